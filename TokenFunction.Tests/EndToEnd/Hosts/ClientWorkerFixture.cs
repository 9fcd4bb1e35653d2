using System.Security.Cryptography;
using Xunit.Abstractions;

namespace TokenFunction.Tests.EndToEnd.Hosts;

/// <summary>
/// A real worker set up as an app using LiveKit's clients would run it: one agent allowed (<c>helper</c>) and the
/// sandbox stand-in on, with a fresh random <c>Sandbox__Id</c>.
/// </summary>
public sealed class ClientWorkerFixture(IMessageSink log) : IAsyncLifetime
{
    public const string AllowedAgent = "helper";

    public string SandboxId { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public WorkerFixture Worker { get; } = new(log);

    public Uri BaseAddress => Worker.Host.BaseAddress;

    public Task InitializeAsync()
    {
        var options = WorkerFixture.DefaultOptions();
        options.AppSettings["TokenPolicy__AllowedAgentNames"] = AllowedAgent;
        options.AppSettings["Sandbox__Id"] = SandboxId;
        return Worker.StartAsync(options, nameof(ClientWorkerFixture));
    }

    public Task DisposeAsync() => Worker.DisposeAsync();
}
