using CsScoring.Churn;
using CsScoring.Hosting.Tests.Fixtures;
using CsScoring.Tests.Churn;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace CsScoring.Hosting.Tests;

public sealed class ChurnModelHealthCheckTests
{
    [Fact]
    public async Task Check_ModelLoaded_IsHealthyWithIdentityVersionAndAge()
    {
        var directory = HostingModels.Copy("fast_tree");
        using var host = TestHosts.Build(directory, null, ("CsScoring:WatchForChanges", "false"));
        await host.StartAsync();
        var model = host.Services.GetRequiredService<ChurnModel>();

        var entry = await CheckAsync(host);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal(model.ModelSha256, entry.Data["model_sha256"]);
        Assert.Equal("FastTree", entry.Data["model_kind"]);
        Assert.Equal(model.Manifest.LibraryVersion, entry.Data["library_version"]);
        Assert.Equal(model.Manifest.FormatVersion, entry.Data["format_version"]);
        Assert.Equal(directory, entry.Data["model_directory"]);
        Assert.InRange((double)entry.Data["age_seconds"], 0, 60);
        Assert.True(entry.Data.ContainsKey("loaded_at"));
        Assert.Equal(0, entry.Data["reload_count"]);
        Assert.False(entry.Data.ContainsKey("last_error"));
        Assert.Contains(model.ModelSha256[..12], entry.Description, StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task Check_BeforeStart_IsUnhealthy()
    {
        using var host = TestHosts.Build(HostingModels.Copy("fast_tree"));
        var entry = await CheckAsync(host);
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("No churn model is loaded", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_StartFailed_IsUnhealthyWithTheError()
    {
        var directory = HostingModels.Corrupt("logistic");
        using var host = TestHosts.Build(directory);
        await Assert.ThrowsAsync<ChurnModelException>(() => host.StartAsync());
        var entry = await CheckAsync(host);
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.IsType<ChurnModelException>(entry.Exception);
        Assert.Contains("SHA-256", (string)entry.Data["last_error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_CorruptReplacementThenGoodOne_TurnsDegradedThenRecovers()
    {
        var directory = HostingModels.Copy("fast_tree");
        using var host = TestHosts.Build(directory, null, ("CsScoring:ReloadDelay", "00:00:00.200"), ("CsScoring:PollInterval", "01:00:00"));
        await host.StartAsync();
        var service = host.Services.GetRequiredService<ChurnModelService>();
        var first = service.Current;

        // A damaged model replaces the directory as a whole: rejected, the old one keeps serving, Degraded.
        var failed = Signal<Exception>(handler => service.Provider!.ReloadFailed += (_, e) => handler(e));
        HostingModels.Deploy(HostingModels.Corrupt("light_gbm"), directory);
        var error = await WithinAsync(failed, TimeSpan.FromSeconds(10));
        Assert.Equal(ChurnModelError.IntegrityCheckFailed, Assert.IsType<ChurnModelException>(error).Error);
        Assert.Same(first, service.Current);
        var degraded = await CheckAsync(host);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Same(error, degraded.Exception);
        Assert.Equal(first.ModelSha256, degraded.Data["model_sha256"]);
        Assert.Contains("SHA-256", (string)degraded.Data["last_error"], StringComparison.Ordinal);
        Assert.True(degraded.Data.ContainsKey("last_error_at"));

        // A good one recovers: swapped in, Healthy again.
        var changed = Signal<ChurnModel>(handler => service.Provider!.ModelChanged += (_, m) => handler(m));
        HostingModels.Deploy(ModelDirectories.Get("logistic"), directory);
        var swapped = await WithinAsync(changed, TimeSpan.FromSeconds(10));
        Assert.Same(swapped, service.Current);
        var recovered = await CheckAsync(host);
        Assert.Equal(HealthStatus.Healthy, recovered.Status);
        Assert.Equal(swapped.ModelSha256, recovered.Data["model_sha256"]);
        Assert.Equal(1, recovered.Data["reload_count"]);
        await host.StopAsync();
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries["csscoring_model"];
    }

    private static Task<T> Signal<T>(Action<Action<T>> subscribe)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscribe(value => completion.TrySetResult(value));
        return completion.Task;
    }

    private static async Task<T> WithinAsync<T>(Task<T> task, TimeSpan timeout)
    {
        var winner = await Task.WhenAny(task, Task.Delay(timeout));
        Assert.True(ReferenceEquals(task, winner), $"Nothing happened within {timeout.TotalSeconds} s.");
        return await task;
    }
}
