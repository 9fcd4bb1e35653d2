using System.Net;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace TokenFunction.Tests.Support.Fakes;

/// <summary>A response that keeps what the function wrote, for assertions.</summary>
public sealed class FakeHttpResponseData(FunctionContext functionContext) : HttpResponseData(functionContext)
{
    public override HttpStatusCode StatusCode { get; set; } = HttpStatusCode.OK;

    public override HttpHeadersCollection Headers { get; set; } = [];

    public override Stream Body { get; set; } = new MemoryStream();

    public override HttpCookies Cookies => throw new NotSupportedException();

    public string BodyText => Encoding.UTF8.GetString(((MemoryStream)Body).ToArray());

    public byte[] BodyBytes => ((MemoryStream)Body).ToArray();

    /// <summary>The single value of a header, or null.</summary>
    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}
