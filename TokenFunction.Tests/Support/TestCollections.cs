namespace TokenFunction.Tests.Support;

// xunit runs every parallel collection first, then each collection below on its own, one after another. On a
// 2-core machine that is what keeps the suite's time limits about hangs: a worker's start-up, 500 concurrent
// requests or a 10,000-case property run never compete with each other or with the rest of the suite.

/// <summary>Every test class that starts the real worker (a <c>dotnet</c> process behind the host emulator).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkerProcesses
{
    public const string Name = "Worker processes";
}

/// <summary>Property tests that run thousands of requests in-process and hand every token to the Node judge.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyPropertyTests
{
    public const string Name = "Heavy property tests";
}
