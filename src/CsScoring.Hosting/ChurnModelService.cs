using CsScoring.Churn;
using CsScoring.Churn.Serving;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CsScoring.Hosting;

/// <summary>
/// The churn model of an application, loaded when the host starts and kept current afterwards: the
/// <see cref="IChurnModelProvider"/> that <c>AddCsScoring</c> registers.
/// </summary>
/// <remarks>
/// <para>
/// The model is loaded and verified in <see cref="IHostedLifecycleService.StartingAsync"/>, before any hosted
/// service starts (the web server included), so an application never accepts a request without a model; a missing
/// or damaged model fails the host's start with the <see cref="ChurnModelException"/> that says what is wrong, and
/// the host's start-up cancellation cancels the load. Afterwards the <see cref="ChurnModelProvider"/> watches the
/// directory and hot-swaps verified models.
/// </para>
/// <para>Without a host (a plain service provider), call <see cref="LoadAsync"/> once before resolving the model.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed partial class ChurnModelService : IChurnModelProvider, IHostedLifecycleService, IDisposable
{
    private readonly IOptions<CsScoringOptions> _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private ChurnModelProvider? _provider;
    private Exception? _loadError;
    private int _disposed;

    /// <summary>Creates the service; nothing is loaded until <see cref="LoadAsync"/> or the host starts.</summary>
    /// <param name="options">The serving options.</param>
    /// <param name="loggerFactory">Where loads, reloads and rejected models are logged, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for load and reload times, or <see langword="null"/> for the system clock.</param>
    public ChurnModelService(IOptions<CsScoringOptions> options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _loggers = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<ChurnModelService>();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The model to use now.</summary>
    /// <exception cref="InvalidOperationException">No model is loaded: the host has not started, or its start failed.</exception>
    public ChurnModel Current => Volatile.Read(ref _provider)?.Current ?? throw NotLoaded();

    /// <summary>Whether a model is loaded and served.</summary>
    public bool IsLoaded => Volatile.Read(ref _provider) is not null;

    /// <summary>The model served and the outcome of the last reload, or <see langword="null"/> before the first successful load.</summary>
    public ChurnModelStatus? Status => Volatile.Read(ref _provider)?.Status;

    /// <summary>Why the initial load failed, or <see langword="null"/> when it has not failed.</summary>
    public Exception? LoadError => Volatile.Read(ref _loadError);

    /// <summary>The provider behind the service (its events and <see cref="ChurnModelProvider.ReloadAsync"/>), or <see langword="null"/> before the first successful load.</summary>
    public ChurnModelProvider? Provider => Volatile.Read(ref _provider);

    /// <summary>The validated options the service loads with.</summary>
    public CsScoringOptions Options => _options.Value;

    /// <summary>Loads, verifies and starts watching the model directory, unless it is already loaded.</summary>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>A task that completes when the model serves.</returns>
    /// <exception cref="ChurnModelException">The model is missing or fails a check; <see cref="LoadError"/> keeps it for the health check.</exception>
    /// <exception cref="InvalidOptionException">An option is out of range (when the options were not validated at start-up).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (IsLoaded)
        {
            return;
        }

        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsLoaded)
            {
                return;
            }

            var serving = _options.Value.ToServingOptions();
            try
            {
                var provider = await ChurnModelProvider.CreateAsync(serving, _loggers.CreateLogger<ChurnModelProvider>(), _time, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _loadError, null);
                Volatile.Write(ref _provider, provider);
            }
            catch (Exception ex) when (ex is ChurnModelException or IOException or UnauthorizedAccessException)
            {
                Volatile.Write(ref _loadError, ex);
                LogLoadFailed(_logger, serving.ModelDirectory, ex.Message, ex);
                throw;
            }
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>Loads the model before any hosted service starts.</summary>
    /// <param name="cancellationToken">The host's start-up cancellation.</param>
    /// <returns>A task that completes when the model serves.</returns>
    Task IHostedLifecycleService.StartingAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    /// <inheritdoc/>
    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    Task IHostedLifecycleService.StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    Task IHostedLifecycleService.StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops watching the directory once the host has stopped; requests still running keep their model.</summary>
    /// <param name="cancellationToken">Unused.</param>
    /// <returns>A completed task.</returns>
    Task IHostedLifecycleService.StoppedAsync(CancellationToken cancellationToken)
    {
        Volatile.Read(ref _provider)?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Stops watching the directory.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Volatile.Read(ref _provider)?.Dispose();
        _loading.Dispose();
    }

    private InvalidOperationException NotLoaded() => new(LoadError is { } error
        ? $"No churn model is loaded: loading '{_options.Value.ModelDirectory}' failed at start-up: {error.Message}"
        : "No churn model is loaded yet: it is loaded when the host starts (or by ChurnModelService.LoadAsync without a host).");

    [LoggerMessage(EventId = 10, Level = LogLevel.Critical, Message = "The churn model in {Directory} cannot be served: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, string directory, string reason, Exception exception);
}
