using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CsScoring.Hosting;

/// <summary>
/// Reports the churn model an application serves: <see cref="HealthStatus.Healthy"/> with the model loaded (its
/// identity, version and age); <see cref="HealthStatus.Degraded"/> when the last reload was rejected and an older
/// model still serves (with the error); <see cref="HealthStatus.Unhealthy"/> when no model is loaded.
/// </summary>
/// <remarks>
/// Registered by <c>services.AddHealthChecks().AddCsScoringModel()</c>. The data carries <c>model_directory</c>,
/// <c>model_sha256</c>, <c>model_kind</c>, <c>format_version</c>, <c>library_version</c>, <c>loaded_at</c>,
/// <c>age_seconds</c>, <c>reload_count</c>, <c>last_reload_at</c> and, when a reload failed, <c>last_error</c> and
/// <c>last_error_at</c>. Reads a snapshot only: cheap enough for a liveness probe.
/// </remarks>
public sealed class ChurnModelHealthCheck : IHealthCheck
{
    private readonly ChurnModelService _service;
    private readonly TimeProvider _time;

    /// <summary>Creates the check.</summary>
    /// <param name="service">The service whose model is reported.</param>
    /// <param name="timeProvider">The clock for the model's age, or <see langword="null"/> for the system clock.</param>
    public ChurnModelHealthCheck(ChurnModelService service, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var directory = _service.Options.ModelDirectory;
        var data = new Dictionary<string, object> { ["model_directory"] = directory };
        if (_service.Status is not { } status)
        {
            var error = _service.LoadError;
            if (error is not null)
            {
                data["last_error"] = error.Message;
            }

            return Task.FromResult(HealthCheckResult.Unhealthy(
                error is null ? "No churn model is loaded yet." : $"No churn model is loaded: {error.Message}", error, data));
        }

        var model = status.Model;
        data["model_sha256"] = model.ModelSha256;
        data["model_kind"] = model.Kind.ToString();
        data["format_version"] = model.Manifest.FormatVersion;
        data["library_version"] = model.Manifest.LibraryVersion;
        data["reload_count"] = status.ReloadCount;
        var age = TimeSpan.Zero;
        if (status.LoadedAt is { } loadedAt)
        {
            age = _time.GetUtcNow() - loadedAt;
            data["loaded_at"] = loadedAt.ToString("O", CultureInfo.InvariantCulture);
            data["age_seconds"] = Math.Round(age.TotalSeconds, 3);
        }

        if (status.LastReloadAt is { } reloadedAt)
        {
            data["last_reload_at"] = reloadedAt.ToString("O", CultureInfo.InvariantCulture);
        }

        var identity = string.Create(CultureInfo.InvariantCulture, $"{model.Kind} model {model.ModelSha256[..12]} (loaded {age.TotalSeconds:0} s ago, {status.ReloadCount} reload(s))");
        if (status.LastError is { } reloadError)
        {
            data["last_error"] = reloadError.Message;
            if (status.LastErrorAt is { } at)
            {
                data["last_error_at"] = at.ToString("O", CultureInfo.InvariantCulture);
            }

            return Task.FromResult(HealthCheckResult.Degraded(
                $"The {identity} still serves, but the last reload of '{directory}' was rejected: {reloadError.Message}", reloadError, data));
        }

        return Task.FromResult(HealthCheckResult.Healthy($"Serving the {identity}.", data));
    }
}
