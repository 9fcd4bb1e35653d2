using System.Security.Claims;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace TokenFunction.Tests.Support.Fakes;

/// <summary>An in-memory request: method, URL, headers and a body stream.</summary>
public sealed class FakeHttpRequestData : HttpRequestData
{
    public FakeHttpRequestData(FunctionContext functionContext, string method, string url, Stream? body = null, HttpHeadersCollection? headers = null)
        : base(functionContext)
    {
        Method = method;
        Url = new Uri(url);
        Body = body ?? Stream.Null;
        Headers = headers ?? [];
    }

    public override Stream Body { get; }

    public override HttpHeadersCollection Headers { get; }

    public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];

    public override Uri Url { get; }

    public override IEnumerable<ClaimsIdentity> Identities { get; } = [];

    public override string Method { get; }

    public FakeHttpResponseData? Response { get; private set; }

    public override HttpResponseData CreateResponse() => Response = new FakeHttpResponseData(FunctionContext);

    /// <summary>A JSON POST (or any method) with the usual headers.</summary>
    public static FakeHttpRequestData Create(
        string method,
        string pathAndQuery,
        string? body = null,
        string? contentType = "application/json",
        IEnumerable<KeyValuePair<string, string>>? headers = null,
        FunctionContext? context = null)
    {
        var collection = new HttpHeadersCollection();
        Stream? stream = null;
        if (body is not null)
        {
            stream = new MemoryStream(Encoding.UTF8.GetBytes(body), writable: false);
            if (contentType is not null)
            {
                collection.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        foreach (var (name, value) in headers ?? [])
        {
            collection.TryAddWithoutValidation(name, value);
        }

        return new FakeHttpRequestData(context ?? new FakeFunctionContext(), method, "http://localhost:7071" + pathAndQuery, stream, collection);
    }
}
