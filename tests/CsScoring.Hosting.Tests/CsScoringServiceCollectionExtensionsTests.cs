using CsScoring.Churn;
using CsScoring.Churn.Manifest;
using CsScoring.Churn.Serving;
using CsScoring.Hosting.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CsScoring.Hosting.Tests;

public sealed class CsScoringServiceCollectionExtensionsTests
{
    [Fact]
    public async Task HostStart_ValidModel_LoadsBeforeOtherHostedServicesStart()
    {
        var directory = HostingModels.Copy("fast_tree");
        using var host = TestHosts.Build(directory, services => services.AddSingleton<ReadsModelAtStart>().AddHostedService(provider => provider.GetRequiredService<ReadsModelAtStart>()), ("CsScoring:WatchForChanges", "false"));
        var service = host.Services.GetRequiredService<ChurnModelService>();
        Assert.False(service.IsLoaded);
        await host.StartAsync();
        Assert.True(service.IsLoaded);
        Assert.Equal(ModelKind.FastTree, host.Services.GetRequiredService<ReadsModelAtStart>().KindAtStart);
        Assert.Same(service, host.Services.GetRequiredService<IChurnModelProvider>());
        Assert.Same(service.Current, host.Services.GetRequiredService<ChurnModel>());
        await host.StopAsync();
    }

    [Fact]
    public async Task HostStart_MissingModel_FailsWithChurnModelException()
    {
        var directory = HostingModels.Copy("fast_tree");
        File.Delete(Path.Combine(directory, ChurnModel.ManifestFileName));
        using var host = TestHosts.Build(directory);
        var ex = await Assert.ThrowsAsync<ChurnModelException>(() => host.StartAsync());
        Assert.Equal(ChurnModelError.MissingManifest, ex.Error);
        Assert.Equal(directory, ex.ModelPath);
        var service = host.Services.GetRequiredService<ChurnModelService>();
        Assert.Same(ex, service.LoadError);
        var notLoaded = Assert.Throws<InvalidOperationException>(() => service.Current);
        Assert.Contains("manifest.json", notLoaded.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_CorruptModel_FailsWithIntegrityError()
    {
        using var host = TestHosts.Build(HostingModels.Corrupt("fast_tree"));
        var ex = await Assert.ThrowsAsync<ChurnModelException>(() => host.StartAsync());
        Assert.Equal(ChurnModelError.IntegrityCheckFailed, ex.Error);
        Assert.Contains("SHA-256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_Cancelled_DoesNotLoad()
    {
        using var host = TestHosts.Build(HostingModels.Copy("fast_tree"));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.StartAsync(cancelled.Token));
        Assert.False(host.Services.GetRequiredService<ChurnModelService>().IsLoaded);
    }

    [Fact]
    public async Task HostStart_NoModelDirectory_FailsValidationNamingTheKey()
    {
        using var host = TestHosts.Build(new Dictionary<string, string?> { ["CsScoring:PollInterval"] = "00:00:10" });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("CsScoring:ModelDirectory is required", ex.Message, StringComparison.Ordinal);
        Assert.False(host.Services.GetRequiredService<ChurnModelService>().IsLoaded);
    }

    [Theory]
    [InlineData("CsScoring:PollInterval", "-00:00:01", "CsScoring:PollInterval is -00:00:01")]
    [InlineData("CsScoring:ReloadDelay", "01:00:00", "CsScoring:ReloadDelay is 01:00:00")]
    public async Task HostStart_OutOfRangeOption_FailsValidationNamingTheKeyAndValue(string key, string value, string expected)
    {
        using var host = TestHosts.Build(HostingModels.Copy("fast_tree"), null, (key, value));
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_OtherSection_MessagesNameThatSection()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Services:Churn:ReloadDelay"] = "00:00:01" });
        builder.Services.AddCsScoring(builder.Configuration.GetSection("Services:Churn"));
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Services:Churn:ModelDirectory is required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddCsScoring_Configuration_BindsEveryKey()
    {
        using var host = TestHosts.Build(new Dictionary<string, string?>
        {
            ["CsScoring:ModelDirectory"] = "models/churn",
            ["CsScoring:WatchForChanges"] = "false",
            ["CsScoring:ReloadDelay"] = "00:00:02",
            ["CsScoring:PollInterval"] = "00:01:00",
            ["CsScoring:RowValidation"] = "Strict",
            ["CsScoring:Load:VerifySelfTest"] = "false",
        });
        var options = host.Services.GetRequiredService<IOptions<CsScoringOptions>>().Value;
        Assert.Equal("models/churn", options.ModelDirectory);
        Assert.False(options.WatchForChanges);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ReloadDelay);
        Assert.Equal(TimeSpan.FromMinutes(1), options.PollInterval);
        Assert.Equal(ChurnRowValidation.Strict, options.RowValidation);
        Assert.False(options.Load.VerifySelfTest);
        var serving = options.ToServingOptions();
        Assert.False(serving.Load.VerifySelfTest);
        Assert.Equal(TimeSpan.FromSeconds(2), serving.ReloadDelay);
    }

    [Fact]
    public async Task AddCsScoring_VerifySelfTestOffInOneContainer_LeavesEveryOtherLoadVerifying()
    {
        var directory = HostingModels.FailingSelfTest();
        using var lenient = TestHosts.Build(directory, null, ("CsScoring:Load:VerifySelfTest", "false"), ("CsScoring:WatchForChanges", "false"));
        using var strict = TestHosts.Build(directory, null, ("CsScoring:WatchForChanges", "false"));

        await lenient.StartAsync();
        Assert.True(lenient.Services.GetRequiredService<ChurnModelService>().IsLoaded);

        // The container that did not turn it off still verifies, and so do the library's defaults.
        var ex = await Assert.ThrowsAsync<ChurnModelException>(() => strict.StartAsync());
        Assert.Equal(ChurnModelError.InvalidModel, ex.Error);
        Assert.Contains("self-test", ex.Message, StringComparison.Ordinal);
        Assert.True(ChurnModelLoadOptions.Default.VerifySelfTest);
        Assert.True(new ChurnServingOptions { ModelDirectory = directory }.Load.VerifySelfTest);
        Assert.Throws<ChurnModelException>(() => ChurnModel.Load(directory));
        await lenient.StopAsync();
    }

    [Fact]
    public void AddCsScoring_Delegate_ConfiguresAndValidates()
    {
        var services = new ServiceCollection();
        services.AddCsScoring(options =>
        {
            options.ModelDirectory = "m";
            options.PollInterval = TimeSpan.FromSeconds(-5);
        });
        using var container = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => container.GetRequiredService<IOptions<CsScoringOptions>>().Value);
        Assert.Contains("CsScoring:PollInterval", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_WithoutAHost_LoadsOnce()
    {
        var services = new ServiceCollection();
        services.AddCsScoring(options =>
        {
            options.ModelDirectory = HostingModels.Copy("logistic");
            options.WatchForChanges = false;
        });
        await using var container = services.BuildServiceProvider();
        var service = container.GetRequiredService<ChurnModelService>();
        Assert.Throws<InvalidOperationException>(() => service.Current);
        await service.LoadAsync();
        var first = service.Current;
        await service.LoadAsync();
        Assert.Same(first, service.Current);
        Assert.Equal(ModelKind.LogisticRegression, first.Kind);
    }

    [Fact]
    public void AddCsScoring_Twice_RegistersOneServiceAndOneHostedService()
    {
        var services = new ServiceCollection();
        services.AddCsScoring(options => options.ModelDirectory = "a");
        services.AddCsScoring(options => options.ModelDirectory = "b");
        Assert.Single(services, d => d.ServiceType == typeof(ChurnModelService));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<CsScoringOptions>));
    }

    private sealed class ReadsModelAtStart(IChurnModelProvider models) : IHostedService
    {
        public ModelKind? KindAtStart { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            KindAtStart = models.Current.Kind;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
