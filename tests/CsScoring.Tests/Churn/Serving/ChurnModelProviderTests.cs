using CsScoring.Churn;
using CsScoring.Churn.Serving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CsScoring.Tests.Churn.Serving;

public sealed class ChurnModelProviderTests
{
    [Fact]
    public async Task Reload_NewValidModel_IsSwappedIn()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        using var provider = new ChurnModelProvider(new ChurnServingOptions { ModelDirectory = directory, WatchForChanges = false });
        var first = provider.Current;
        Assert.False(await provider.ReloadAsync());
        Replace(directory, ModelDirectories.Get("light_gbm"));
        Assert.True(await provider.ReloadAsync());
        Assert.NotSame(first, provider.Current);
        Assert.Equal(CsScoring.Churn.Manifest.ModelKind.LightGbm, provider.Current.Kind);
        Assert.Equal(1, provider.ReloadCount);
    }

    [Fact]
    public async Task Reload_NewBackgroundForTheSameModel_IsSwappedIn()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        using var provider = new ChurnModelProvider(new ChurnServingOptions { ModelDirectory = directory, WatchForChanges = false });
        Assert.False(provider.Current.CanExplain);
        var rows = ModelDirectories.Rows(100, 4).SelectMany(ModelDirectories.Features).ToArray();
        Explain.ExplanationBackgroundTests.Store(directory, provider.Current.WithBackground(rows, 100).Background!);
        Assert.True(await provider.ReloadAsync());
        Assert.True(provider.Current.CanExplain);
        Assert.False(await provider.ReloadAsync());
    }

    [Fact]
    public async Task Reload_DamagedModel_IsRejectedAndLogged_OldModelKeepsServing()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        var logger = new ListLogger();
        using var provider = new ChurnModelProvider(new ChurnServingOptions { ModelDirectory = directory, WatchForChanges = false }, logger);
        var first = provider.Current;
        var path = Path.Combine(directory, "scorer.json");
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        Assert.False(await provider.ReloadAsync());
        Assert.Same(first, provider.Current);
        var error = Assert.IsType<ChurnModelException>(provider.LastError);
        Assert.Equal(ChurnModelError.IntegrityCheckFailed, error.Error);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("rejected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Watcher_NewModelWritten_IsSwappedInWithoutACall()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        using var provider = new ChurnModelProvider(new ChurnServingOptions { ModelDirectory = directory, ReloadDelay = TimeSpan.FromMilliseconds(100), PollInterval = TimeSpan.FromMilliseconds(250) });
        var changed = new TaskCompletionSource<ChurnModel>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.ModelChanged += (_, model) => changed.TrySetResult(model);
        Replace(directory, ModelDirectories.Get("logistic"));
        var winner = await Task.WhenAny(changed.Task, Task.Delay(TimeSpan.FromSeconds(20)));
        Assert.Same(changed.Task, winner);
        Assert.Equal(CsScoring.Churn.Manifest.ModelKind.LogisticRegression, provider.Current.Kind);
    }

    [Fact]
    public void Constructor_BadInitialModel_Throws()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        File.Delete(Path.Combine(directory, "manifest.json"));
        Assert.Throws<ChurnModelException>(() => new ChurnModelProvider(new ChurnServingOptions { ModelDirectory = directory }));
    }

    [Fact]
    public void AddChurnModel_ResolvesProviderAndCurrentModel()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        var services = new ServiceCollection();
        services.AddChurnModel(new ChurnServingOptions { ModelDirectory = directory, WatchForChanges = false });
        using var container = services.BuildServiceProvider();
        var provider = container.GetRequiredService<IChurnModelProvider>();
        Assert.Same(provider, container.GetRequiredService<ChurnModelProvider>());
        Assert.Same(provider.Current, container.GetRequiredService<ChurnModel>());
        Assert.Equal(ModelDirectories.Schema.FeatureCount, container.GetRequiredService<ChurnModel>().FeatureCount);
    }

    [Fact]
    public void AddChurnModel_ByDirectory_LoadsOnFirstResolution()
    {
        var directory = ModelDirectories.Copy("fast_tree");
        var services = new ServiceCollection();
        services.AddChurnModel(directory);
        File.Delete(Path.Combine(directory, "manifest.json"));
        using var container = services.BuildServiceProvider();
        Assert.Throws<ChurnModelException>(() => container.GetRequiredService<IChurnModelProvider>());
    }

    [Fact]
    public void AddChurnModel_BlankDirectory_NamesTheOption()
    {
        var ex = Assert.Throws<InvalidOptionException>(() => new ServiceCollection().AddChurnModel(" "));
        Assert.Equal("ChurnServingOptions.ModelDirectory", ex.Option);
    }

    private static void Replace(string directory, string source)
    {
        // As a deployment does: the scorer first, then the manifest that names its hash, then the manifest's checksum.
        File.Copy(Path.Combine(source, "scorer.json"), Path.Combine(directory, "scorer.json"), overwrite: true);
        File.Copy(Path.Combine(source, "manifest.json"), Path.Combine(directory, "manifest.json"), overwrite: true);
        File.Copy(Path.Combine(source, "manifest.sha256"), Path.Combine(directory, "manifest.sha256"), overwrite: true);
    }

    private sealed class ListLogger : ILogger<ChurnModelProvider>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
