namespace CsScoring.Training.Cli;

/// <summary>The console's exit codes, a contract for scripts.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>Something went wrong inside csscoring (a bug): the message and stack trace go to stderr.</summary>
    public const int InternalError = 1;

    /// <summary>The input (arguments, files, data) was invalid: the message names what and where; nothing was written.</summary>
    public const int BadInput = 2;

    /// <summary>Stopped by SIGTERM or Ctrl-C before it finished (128 + SIGINT, as shells report it); nothing was written.</summary>
    public const int Interrupted = 130;
}
