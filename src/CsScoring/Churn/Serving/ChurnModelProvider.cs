using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CsScoring.Churn.Serving;

/// <summary>The churn model currently served; it may be replaced by a newer one at any time.</summary>
public interface IChurnModelProvider
{
    /// <summary>The model to use now. Read it once per request: a reload may swap it between two reads.</summary>
    ChurnModel Current { get; }
}

/// <summary>
/// Serves the model of a directory and keeps it current: it watches the directory (file-system events plus
/// polling), loads and verifies a changed model in the background and swaps it in atomically. A new model that
/// fails to load or verify is rejected and logged, and the previous model keeps serving.
/// </summary>
/// <remarks>
/// The first model is loaded in the constructor, so an application does not start with a bad model. Thread-safe:
/// <see cref="Current"/> is a single volatile read; requests in flight keep the instance they read.
/// </remarks>
public sealed partial class ChurnModelProvider : IChurnModelProvider, IDisposable
{
    private readonly ChurnServingOptions _options;
    private readonly ILogger _logger;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _timer;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private ChurnModel _current;
    private (DateTime Written, long Length) _seen;
    private int _disposed;

    /// <summary>Loads the directory's model and starts watching it.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Where reloads and rejected models are logged, or <see langword="null"/>.</param>
    /// <exception cref="ChurnModelException">The initial model cannot be loaded.</exception>
    public ChurnModelProvider(ChurnServingOptions options, ILogger<ChurnModelProvider>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _seen = Stamp();
        _current = ChurnModel.Load(options.ModelDirectory, options.Load);
        LogLoaded(_logger, options.ModelDirectory, _current.Kind, _current.ModelSha256);
        _timer = new Timer(_ => _ = ReloadIfChangedAsync(), null, Timeout.Infinite, Timeout.Infinite);
        if (options.WatchForChanges)
        {
            _watcher = new FileSystemWatcher(options.ModelDirectory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            _watcher.Changed += OnChanged;
            _watcher.Created += OnChanged;
            _watcher.Renamed += OnChanged;
            _watcher.Deleted += OnChanged;
            _watcher.EnableRaisingEvents = true;
            SchedulePoll();
        }
    }

    /// <inheritdoc/>
    public ChurnModel Current => Volatile.Read(ref _current);

    /// <summary>How many times a new model was swapped in since the provider started.</summary>
    public int ReloadCount { get; private set; }

    /// <summary>The error of the last rejected model, or <see langword="null"/> when the last attempt succeeded.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Raised after a new model was swapped in (on a background thread).</summary>
    public event EventHandler<ChurnModel>? ModelChanged;

    /// <summary>
    /// Loads the directory's model now and swaps it in when it verifies and differs from the current one.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for a reload already running.</param>
    /// <returns><see langword="true"/> when a new model was swapped in; <see langword="false"/> when the model is unchanged or was rejected (see <see cref="LastError"/>).</returns>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _seen = Stamp();
            ChurnModel model;
            try
            {
                model = await Task.Run(() => ChurnModel.Load(_options.ModelDirectory, _options.Load), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ChurnModelException or IOException or UnauthorizedAccessException)
            {
                LastError = ex;
                LogRejected(_logger, _options.ModelDirectory, ex.Message, ex);
                return false;
            }

            LastError = null;
            // Unchanged: the same model file and the same explanation background.
            if (string.Equals(model.ModelSha256, Current.ModelSha256, StringComparison.OrdinalIgnoreCase)
                && string.Equals(model.Manifest.BackgroundSha256, Current.Manifest.BackgroundSha256, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            Volatile.Write(ref _current, model);
            ReloadCount++;
            LogLoaded(_logger, _options.ModelDirectory, model.Kind, model.ModelSha256);
            ModelChanged?.Invoke(this, model);
            return true;
        }
        finally
        {
            _reloading.Release();
        }
    }

    /// <summary>Stops watching the directory.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _watcher?.Dispose();
        _timer.Dispose();
        _reloading.Dispose();
    }

    private void OnChanged(object sender, FileSystemEventArgs e)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            // Restarting the timer on every event waits for the deployment to go quiet before loading.
            _timer.Change(_options.ReloadDelay, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task ReloadIfChangedAsync()
    {
        try
        {
            if (Volatile.Read(ref _disposed) == 0 && Stamp() != _seen)
            {
                await ReloadAsync().ConfigureAwait(false);
            }
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        finally
        {
            // Polling continues whatever happened to this attempt (a failing ModelChanged handler included).
            SchedulePoll();
        }
    }

    private void SchedulePoll()
    {
        if (_options.PollInterval > TimeSpan.Zero && Volatile.Read(ref _disposed) == 0)
        {
            try
            {
                _timer.Change(_options.PollInterval, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Disposed between the check and the call: nothing left to schedule.
            }
        }
    }

    // The manifest changes with every new model (it carries the model's hash), so its time and size detect a
    // deployment; its checksum file is copied after it, and a load tried in between is retried when it arrives.
    private (DateTime, long) Stamp()
    {
        var manifest = new FileInfo(Path.Combine(_options.ModelDirectory, ChurnModel.ManifestFileName));
        if (!manifest.Exists)
        {
            return (DateTime.MinValue, -1);
        }

        var latest = manifest.LastWriteTimeUtc;
        var length = manifest.Length;
        foreach (var name in new[] { "model.zip", ChurnModelDirectory.ManifestChecksumFileName, ChurnModelDirectory.SignatureFileName })
        {
            var file = new FileInfo(Path.Combine(_options.ModelDirectory, name));
            if (file.Exists)
            {
                latest = file.LastWriteTimeUtc > latest ? file.LastWriteTimeUtc : latest;
                length += file.Length;
            }
        }

        return (latest, length);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Churn model loaded from {Directory}: {Kind}, SHA-256 {Sha256}")]
    private static partial void LogLoaded(ILogger logger, string directory, CsScoring.Churn.Manifest.ModelKind kind, string sha256);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "New churn model in {Directory} rejected; the previous model keeps serving: {Reason}")]
    private static partial void LogRejected(ILogger logger, string directory, string reason, Exception exception);
}
