namespace TokenFunction.Tests.EndToEnd.Hosts.Emulator;

/// <summary>The worker did not come up: it exited, failed a start-up step or did not answer in time.</summary>
public sealed class WorkerStartException : Exception
{
    public WorkerStartException()
    {
    }

    public WorkerStartException(string message)
        : base(message)
    {
    }

    public WorkerStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WorkerStartException(string message, int? exitCode, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    /// <summary>The worker's exit code when it exited during start-up; null when it was still running (and was stopped).</summary>
    public int? ExitCode { get; }
}
