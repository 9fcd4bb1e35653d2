using TokenFunction.Tests.EndToEnd.Hosts.Emulator;
using Xunit.Abstractions;

namespace TokenFunction.Tests.EndToEnd.Hosts;

/// <summary>
/// For end-to-end classes that start their own hosts: xunit hands fixtures (not test classes) the message sink that
/// reaches <c>dotnet test</c>'s output, where each start says which host it used.
/// </summary>
public sealed class EndToEndLog(IMessageSink log)
{
    public IMessageSink Sink => log;

    public Task<IAppHost> StartAsync(FunctionsHostEmulatorOptions options, string purpose) => AppHosts.StartAsync(options, log, purpose);
}
