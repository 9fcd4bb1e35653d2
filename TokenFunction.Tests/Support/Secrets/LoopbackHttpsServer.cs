using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TokenFunction.Tests.Support.Secrets;

/// <summary>What a fake server saw: enough to prove what the real SDK sent.</summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, string? Authorization, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// Kestrel on 127.0.0.1 (HTTPS with a self-signed certificate made here, or plain HTTP), answering with a test's
/// handler and recording every request. Only the transport from <see cref="CreateTransport"/> trusts the certificate.
/// </summary>
internal sealed class LoopbackHttpsServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2? _certificate;

    private LoopbackHttpsServer(WebApplication app, X509Certificate2? certificate, Uri baseUri)
    {
        _app = app;
        _certificate = certificate;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public static async Task<LoopbackHttpsServer> StartAsync(Func<HttpContext, Task> handler, bool https = true)
    {
        var certificate = https ? LoopbackCertificate.Create() : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        LoopbackHttpsServer? server = null;
        app.Run(async context =>
        {
            server!.Requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.QueryString.Value ?? "",
                context.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization ? authorization : null,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            await handler(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new LoopbackHttpsServer(app, certificate, new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/"));
        return server;
    }

    /// <summary>An SDK transport that trusts exactly this server's certificate and refuses any host but loopback.</summary>
    public HttpClientTransport CreateTransport(ICollection<Uri>? seen = null)
    {
        var pinned = _certificate?.GetCertHashString(HashAlgorithmName.SHA256);
#pragma warning disable CA2000 // The transport owns the handlers for the test's lifetime.
        var handler = new HttpClientHandler
        {
            UseProxy = false,
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                pinned is not null && certificate?.GetCertHashString(HashAlgorithmName.SHA256) == pinned,
        };
        return new HttpClientTransport(new LoopbackOnlyHandler(handler, seen));
#pragma warning restore CA2000
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate?.Dispose();
    }


    /// <summary>Fails any request to a host other than 127.0.0.1 before a socket is opened, and records every URI.</summary>
    private sealed class LoopbackOnlyHandler(HttpMessageHandler inner, ICollection<Uri>? seen) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            if (seen is not null)
            {
                lock (seen)
                {
                    seen.Add(uri);
                }
            }

            return IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address)
                ? base.SendAsync(request, cancellationToken)
                : throw new InvalidOperationException($"Test transport refused a request off loopback: {uri.GetLeftPart(UriPartial.Authority)}");
        }
    }
}

/// <summary>A credential that hands out a fixed token and records what it was asked for.</summary>
internal sealed class FakeTokenCredential(string token) : Azure.Core.TokenCredential
{
    public ConcurrentQueue<Azure.Core.TokenRequestContext> Requests { get; } = new();

    public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Requests.Enqueue(requestContext);
        return new Azure.Core.AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
