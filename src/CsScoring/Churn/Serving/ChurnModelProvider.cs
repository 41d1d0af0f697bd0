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
/// <para>
/// The first model is loaded before the provider exists (by the constructor or <see cref="CreateAsync"/>), so an
/// application does not start with a bad model. Thread-safe: <see cref="Current"/> is a single volatile read;
/// requests in flight keep the instance they read.
/// </para>
/// <para>
/// A directory replaced as a whole (renamed away and a new one renamed in, as <c>csscoring train --force</c> and
/// most deployment tools do) is noticed through a watch on its parent directory, which also re-attaches the watch
/// on the new directory; edits inside the directory are noticed through a watch on the directory itself. Events
/// are debounced by <see cref="ChurnServingOptions.ReloadDelay"/>; polling every
/// <see cref="ChurnServingOptions.PollInterval"/> catches what file-system events miss (network shares, some
/// container volumes).
/// </para>
/// </remarks>
public sealed partial class ChurnModelProvider : IChurnModelProvider, IDisposable
{
    private readonly ChurnServingOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider? _time;
    private readonly string _directory;
    private readonly Timer _debounce;
    private readonly Timer _poll;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly Lock _watchLock = new();
    private FileSystemWatcher? _parentWatcher;
    private FileSystemWatcher? _directoryWatcher;
    private ChurnModelStatus _status;
    private (DateTime Written, long Length) _seen;
    private int _disposed;

    /// <summary>Loads the directory's model and starts watching it.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Where reloads and rejected models are logged, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for <see cref="Status"/> times, or <see langword="null"/> to record none.</param>
    /// <exception cref="ChurnModelException">The initial model cannot be loaded.</exception>
    public ChurnModelProvider(ChurnServingOptions options, ILogger<ChurnModelProvider>? logger = null, TimeProvider? timeProvider = null)
        : this(options, logger, timeProvider, LoadInitial(options))
    {
    }

    private ChurnModelProvider(ChurnServingOptions options, ILogger? logger, TimeProvider? timeProvider, (ChurnModel Model, (DateTime, long) Stamp) initial)
    {
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider;
        _directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.ModelDirectory));
        _seen = initial.Stamp;
        _status = new ChurnModelStatus(initial.Model, _time?.GetUtcNow(), 0, null, null, null);
        LogLoaded(_logger, options.ModelDirectory, initial.Model.Kind, initial.Model.ModelSha256);
        _debounce = new Timer(static state => _ = ((ChurnModelProvider)state!).ReloadFromEventAsync(), this, Timeout.Infinite, Timeout.Infinite);
        _poll = new Timer(static state => _ = ((ChurnModelProvider)state!).PollAsync(), this, Timeout.Infinite, Timeout.Infinite);
        if (options.WatchForChanges)
        {
            WatchParent();
            WatchDirectory();
            SchedulePoll();
        }
    }

    /// <summary>Loads the directory's model asynchronously and starts watching it.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Where reloads and rejected models are logged, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for <see cref="Status"/> times, or <see langword="null"/> to record none.</param>
    /// <param name="cancellationToken">Cancels the initial load.</param>
    /// <returns>The provider, serving the directory's model.</returns>
    /// <exception cref="ChurnModelException">The initial model cannot be loaded.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<ChurnModelProvider> CreateAsync(ChurnServingOptions options, ILogger<ChurnModelProvider>? logger = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var stamp = Stamp(options.ModelDirectory);
        var model = await ChurnModel.LoadAsync(options.ModelDirectory, options.Load, cancellationToken).ConfigureAwait(false);
        return new ChurnModelProvider(options, logger, timeProvider, (model, stamp));
    }

    /// <inheritdoc/>
    public ChurnModel Current => Volatile.Read(ref _status).Model;

    /// <summary>The model served and the outcome of the last reload, as one consistent snapshot.</summary>
    public ChurnModelStatus Status => Volatile.Read(ref _status);

    /// <summary>How many times a new model was swapped in since the provider started.</summary>
    public int ReloadCount => Status.ReloadCount;

    /// <summary>The error of the last rejected model, or <see langword="null"/> when the last attempt succeeded.</summary>
    public Exception? LastError => Status.LastError;

    /// <summary>Raised after a new model was swapped in (on a background thread).</summary>
    public event EventHandler<ChurnModel>? ModelChanged;

    /// <summary>Raised after a new model was rejected (on a background thread); the previous model keeps serving.</summary>
    public event EventHandler<Exception>? ReloadFailed;

    /// <summary>
    /// Loads the directory's model now and swaps it in when it verifies and differs from the current one.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for a reload already running, and reading the files.</param>
    /// <returns><see langword="true"/> when a new model was swapped in; <see langword="false"/> when the model is unchanged or was rejected (see <see cref="LastError"/>).</returns>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _seen = Stamp(_options.ModelDirectory);
            var before = Status;
            var now = _time?.GetUtcNow();
            ChurnModel model;
            try
            {
                // Off the request path: the caller is a timer or a background task, never a request.
                model = await ChurnModel.LoadAsync(_options.ModelDirectory, _options.Load, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ChurnModelException or IOException or UnauthorizedAccessException)
            {
                Volatile.Write(ref _status, new ChurnModelStatus(before.Model, before.LoadedAt, before.ReloadCount, now, ex, now));
                LogRejected(_logger, _options.ModelDirectory, ex.Message, ex);
                ReloadFailed?.Invoke(this, ex);
                return false;
            }

            // Unchanged: the same scorer and the same explanation background.
            if (string.Equals(model.ModelSha256, before.Model.ModelSha256, StringComparison.OrdinalIgnoreCase)
                && string.Equals(model.Manifest.BackgroundSha256, before.Model.Manifest.BackgroundSha256, StringComparison.OrdinalIgnoreCase))
            {
                Volatile.Write(ref _status, new ChurnModelStatus(before.Model, before.LoadedAt, before.ReloadCount, now, null, null));
                return false;
            }

            Volatile.Write(ref _status, new ChurnModelStatus(model, now, before.ReloadCount + 1, now, null, null));
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

        lock (_watchLock)
        {
            _parentWatcher?.Dispose();
            _directoryWatcher?.Dispose();
        }

        _debounce.Dispose();
        _poll.Dispose();
        _reloading.Dispose();
    }

    private static (ChurnModel, (DateTime, long)) LoadInitial(ChurnServingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var stamp = Stamp(options.ModelDirectory);
        return (ChurnModel.Load(options.ModelDirectory, options.Load), stamp);
    }

    // The parent's watch sees the directory itself renamed away, renamed in, created or deleted: a watch on the
    // directory alone would keep following the old directory's inode and miss every later change.
    private void WatchParent()
    {
        var parent = Path.GetDirectoryName(_directory);
        if (parent is null || !Directory.Exists(parent))
        {
            return;
        }

        var watcher = new FileSystemWatcher(parent, Path.GetFileName(_directory))
        {
            NotifyFilter = NotifyFilters.DirectoryName | NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.CreationTime,
            IncludeSubdirectories = false,
        };
        watcher.Created += OnParentChanged;
        watcher.Deleted += OnParentChanged;
        watcher.Renamed += OnParentChanged;
        watcher.Changed += OnParentChanged;
        watcher.Error += OnWatcherError;
        watcher.EnableRaisingEvents = true;
        _parentWatcher = watcher;
    }

    private void WatchDirectory()
    {
        lock (_watchLock)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            _directoryWatcher?.Dispose();
            _directoryWatcher = null;
            if (!Directory.Exists(_directory))
            {
                // Between the two renames of a replacement: the parent's watch re-attaches when the new one arrives.
                return;
            }

            try
            {
                var watcher = new FileSystemWatcher(_directory)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    IncludeSubdirectories = false,
                };
                watcher.Changed += OnChanged;
                watcher.Created += OnChanged;
                watcher.Renamed += OnChanged;
                watcher.Deleted += OnChanged;
                watcher.Error += OnWatcherError;
                watcher.EnableRaisingEvents = true;
                _directoryWatcher = watcher;
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
            {
                // The directory vanished while the watch was set up; the parent's next event or the poll retries.
            }
        }
    }

    private void OnParentChanged(object sender, FileSystemEventArgs e)
    {
        WatchDirectory();
        OnChanged(sender, e);
    }

    private void OnWatcherError(object sender, ErrorEventArgs e)
    {
        // A lost watch (buffer overflow, the watched directory deleted): re-attach and look once more.
        WatchDirectory();
        OnChanged(sender, new FileSystemEventArgs(WatcherChangeTypes.Changed, _directory, null));
    }

    private void OnChanged(object sender, FileSystemEventArgs e)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            try
            {
                // Restarting the timer on every event waits for the deployment to go quiet before loading.
                _debounce.Change(_options.ReloadDelay, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Disposed while the event was raised.
            }
        }
    }

    private async Task ReloadFromEventAsync()
    {
        try
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                WatchDirectory();
                await ReloadAsync().ConfigureAwait(false);
            }
        }
        catch (ObjectDisposedException)
        {
            // Disposed while the reload waited.
        }
    }

    private async Task PollAsync()
    {
        try
        {
            if (Volatile.Read(ref _disposed) == 0 && Stamp(_options.ModelDirectory) != _seen)
            {
                WatchDirectory();
                await ReloadAsync().ConfigureAwait(false);
            }
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        finally
        {
            // Polling continues whatever happened to this attempt (a failing event handler included).
            SchedulePoll();
        }
    }

    private void SchedulePoll()
    {
        if (_options.PollInterval > TimeSpan.Zero && Volatile.Read(ref _disposed) == 0)
        {
            try
            {
                _poll.Change(_options.PollInterval, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Disposed between the check and the call: nothing left to schedule.
            }
        }
    }

    // The manifest changes with every new model (it carries the model's hash), so its time and size detect a
    // deployment; the scorer, checksum and signature files are copied after it, and a load tried in between is
    // retried when they arrive.
    private static (DateTime, long) Stamp(string directory)
    {
        var manifest = new FileInfo(Path.Combine(directory, ChurnModel.ManifestFileName));
        if (!manifest.Exists)
        {
            return (DateTime.MinValue, -1);
        }

        var latest = manifest.LastWriteTimeUtc;
        var length = manifest.Length;
        foreach (var name in new[] { ChurnModelDirectory.ScorerFileName, ChurnModelDirectory.ManifestChecksumFileName, ChurnModelDirectory.SignatureFileName })
        {
            var file = new FileInfo(Path.Combine(directory, name));
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
