using TokenFunction.Tests.EndToEnd.Hosts.Emulator;

namespace TokenFunction.Tests.EndToEnd.Hosts;

/// <summary>The project's own host emulator (TokenFunction.Tests/EndToEnd/Hosts/Emulator) as an <see cref="IAppHost"/>.</summary>
internal sealed class EmulatedAppHost(FunctionsHostEmulator emulator) : IAppHost
{
    public string Description => AppHosts.EmulatorDescription;

    public bool IsReal => false;

    public Uri BaseAddress => emulator.BaseAddress;

    public string FunctionKey => emulator.FunctionKey;

    public string MasterKey => emulator.MasterKey;

    public IReadOnlyList<HttpFunction> Functions => emulator.Functions;

    public string Diagnostics => emulator.Diagnostics;

    public FunctionsHostEmulator Emulator => emulator;

    public HttpClient CreateClient(HttpMessageHandler? handler = null) => emulator.CreateClient(handler);

    public ValueTask DisposeAsync() => emulator.DisposeAsync();
}
