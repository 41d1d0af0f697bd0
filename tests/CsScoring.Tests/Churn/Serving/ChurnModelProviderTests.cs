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
    public async Task Watcher_DirectoryReplacedAsAWhole_IsSwappedInWithoutWaitingForThePoll()
    {
        var directory = FreshDirectory("fast_tree");
        using var provider = new ChurnModelProvider(new ChurnServingOptions { ModelDirectory = directory, ReloadDelay = TimeSpan.FromMilliseconds(200), PollInterval = TimeSpan.FromHours(1) });
        var changed = Signal(provider);

        // As 'csscoring train --force' does: the new directory is renamed in after the old one is renamed away.
        ReplaceWhole(directory, ModelDirectories.Get("light_gbm"));
        var swapped = await Within(changed, TimeSpan.FromSeconds(5));
        Assert.Equal(CsScoring.Churn.Manifest.ModelKind.LightGbm, swapped.Kind);
        Assert.Same(swapped, provider.Current);

        // The watch follows the new directory: a second replacement is noticed too.
        changed = Signal(provider);
        ReplaceWhole(directory, ModelDirectories.Get("logistic"));
        Assert.Equal(CsScoring.Churn.Manifest.ModelKind.LogisticRegression, (await Within(changed, TimeSpan.FromSeconds(5))).Kind);
        Assert.Equal(2, provider.ReloadCount);
    }

    [Fact]
    public async Task Watcher_CorruptReplacement_KeepsTheOldModelAndRecordsTheError_ThenAGoodOneRecovers()
    {
        var directory = FreshDirectory("fast_tree");
        using var provider = new ChurnModelProvider(
            new ChurnServingOptions { ModelDirectory = directory, ReloadDelay = TimeSpan.FromMilliseconds(200), PollInterval = TimeSpan.FromHours(1) },
            null,
            TimeProvider.System);
        var first = provider.Current;
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.ReloadFailed += (_, e) => failed.TrySetResult(e);

        var corrupt = ModelDirectories.Copy("light_gbm");
        var scorer = Path.Combine(corrupt, "scorer.json");
        var bytes = File.ReadAllBytes(scorer);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(scorer, bytes);
        ReplaceWhole(directory, corrupt);

        var error = await Within(failed.Task, TimeSpan.FromSeconds(5));
        Assert.Equal(ChurnModelError.IntegrityCheckFailed, Assert.IsType<ChurnModelException>(error).Error);
        Assert.Same(first, provider.Current);
        var status = provider.Status;
        Assert.True(status.IsDegraded);
        Assert.Same(error, status.LastError);
        Assert.NotNull(status.LastErrorAt);
        Assert.Same(first, status.Model);

        var changed = Signal(provider);
        ReplaceWhole(directory, ModelDirectories.Get("logistic"));
        var recovered = await Within(changed, TimeSpan.FromSeconds(5));
        Assert.Same(recovered, provider.Current);
        Assert.False(provider.Status.IsDegraded);
        Assert.Null(provider.LastError);
        Assert.Equal(1, provider.ReloadCount);
        Assert.NotNull(provider.Status.LoadedAt);
    }

    [Fact]
    public async Task Poll_WithoutFileSystemEvents_StillNoticesANewModel()
    {
        var directory = FreshDirectory("fast_tree");
        using var provider = new ChurnModelProvider(new ChurnServingOptions { ModelDirectory = directory, WatchForChanges = true, ReloadDelay = TimeSpan.FromMinutes(10), PollInterval = TimeSpan.FromMilliseconds(300) });
        var changed = Signal(provider);
        // The debounce is ten minutes, so only the poll can load it within the test's time.
        ReplaceWhole(directory, ModelDirectories.Get("logistic"));
        Assert.Equal(CsScoring.Churn.Manifest.ModelKind.LogisticRegression, (await Within(changed, TimeSpan.FromSeconds(10))).Kind);
    }

    [Fact]
    public async Task CreateAsync_LoadsLikeTheConstructor_AndHonoursCancellation()
    {
        var directory = ModelDirectories.Copy("light_gbm");
        using var provider = await ChurnModelProvider.CreateAsync(new ChurnServingOptions { ModelDirectory = directory, WatchForChanges = false });
        Assert.Equal(ChurnModel.Load(directory).ModelSha256, provider.Current.ModelSha256);
        Assert.Null(provider.Status.LoadedAt);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ChurnModelProvider.CreateAsync(new ChurnServingOptions { ModelDirectory = directory }, cancellationToken: cancelled.Token));
    }

    [Fact]
    public void ServingOptions_Load_IsNotTheSharedDefault()
    {
        var options = new ChurnServingOptions { ModelDirectory = "m" };
        Assert.NotSame(ChurnModelLoadOptions.Default, options.Load);
        Assert.Equal(ChurnModelLoadOptions.Default, options.Load);
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

    // A model directory alone in its own parent, so that the parent's watch sees only this test's deployments.
    private static string FreshDirectory(string name)
    {
        var parent = Path.Combine(Path.GetTempPath(), "csscoring-serving-" + Guid.NewGuid().ToString("N"));
        var directory = Path.Combine(parent, "model");
        ReplaceWhole(directory, ModelDirectories.Get(name));
        return directory;
    }

    private static void ReplaceWhole(string directory, string source)
        => CsScoring.Data.AtomicOutput.WriteDirectory(directory, target =>
        {
            foreach (var file in Directory.GetFiles(source))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }, force: true);

    private static Task<ChurnModel> Signal(ChurnModelProvider provider)
    {
        var changed = new TaskCompletionSource<ChurnModel>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.ModelChanged += (_, model) => changed.TrySetResult(model);
        return changed.Task;
    }

    private static async Task<T> Within<T>(Task<T> task, TimeSpan timeout)
    {
        var winner = await Task.WhenAny(task, Task.Delay(timeout));
        Assert.True(ReferenceEquals(task, winner), $"Nothing happened within {timeout.TotalSeconds} s.");
        return await task;
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
