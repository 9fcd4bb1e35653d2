using System.Diagnostics.CodeAnalysis;
using System.Text;
using Azure;
using Azure.Core;

namespace TokenFunction.Tests.Support.Secrets;

/// <summary>An Azure SDK response with a status, headers and a JSON error body, for building RequestFailedException.</summary>
internal sealed class FakeResponse : Response
{
    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);

    public FakeResponse(int status, string errorCode, params (string Name, string Value)[] headers)
    {
        Status = status;
        ContentStream = new MemoryStream(Encoding.UTF8.GetBytes(
            $$$"""{"error":{"code":"{{{errorCode}}}","message":"Fake Key Vault failure {{{status}}}."}}"""));
        _headers["Content-Type"] = "application/json; charset=utf-8";
        foreach (var (name, value) in headers)
        {
            _headers[name] = value;
        }
    }

    public override int Status { get; }

    public override string ReasonPhrase => "Fake";

    public override Stream? ContentStream { get; set; }

    public override string ClientRequestId { get; set; } = "fake-request";

    public override void Dispose()
    {
    }

    protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) => _headers.TryGetValue(name, out value);

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
    {
        var found = _headers.TryGetValue(name, out var value);
        values = found ? [value!] : null;
        return found;
    }

    public static RequestFailedException Failure(int status, string errorCode, params (string Name, string Value)[] headers) =>
        new(new FakeResponse(status, errorCode, headers));
}
