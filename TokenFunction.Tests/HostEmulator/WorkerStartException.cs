namespace TokenFunction.Tests.HostEmulator;

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
}
