using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TokenFunction.Tests.EndToEnd.Hosts.Emulator.Rpc;

namespace TokenFunction.Tests.EndToEnd.Hosts.Emulator;

/// <summary>
/// The host's HTTP side: route (with the host.json prefix), method and key checks happen here, before the worker
/// is involved, as in the real host; everything else is one InvocationRequest per HTTP request.
/// </summary>
internal sealed class HttpFront(
    FunctionsHostEmulator emulator, WorkerConnection connection, IReadOnlyList<HttpFunction> functions, FunctionsHostEmulatorOptions options)
{
    private readonly byte[] _functionKey = Encoding.UTF8.GetBytes(options.FunctionKey);
    private readonly byte[] _masterKey = Encoding.UTF8.GetBytes(options.MasterKey);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var values = new RouteValueDictionary();
        HttpFunction? function = null;
        foreach (var candidate in functions)
        {
            values.Clear();
            if (candidate.AllowsMethod(request.Method) && candidate.TryMatch(request.Path, values))
            {
                function = candidate;
                break;
            }
        }

        if (function is null)
        {
            // The host's route table has no entry for this path and method: 404, whatever the method.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!IsAuthorized(function.AuthLevel, request))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var body = await ReadBodyAsync(request, context.RequestAborted);
        var invocationId = Guid.NewGuid().ToString();
        var invocation = new StreamingMessage
        {
            RequestId = Guid.NewGuid().ToString(),
            InvocationRequest = BuildInvocation(invocationId, function, request, values, body),
        };

        StreamingMessage reply;
        try
        {
            reply = await connection.RequestAsync(
                WorkerConnection.InvocationKey(invocationId), invocation, options.InvocationTimeout, context.RequestAborted);
        }
        catch (Exception e) when (e is TimeoutException or IOException or WorkerStartException)
        {
            emulator.Log($"emulator: invocation {invocationId} of {function.Name} failed: {e.Message}");
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        await WriteResponseAsync(context, function, invocationId, reply.InvocationResponse);
    }

    private bool IsAuthorized(FunctionAuthLevel level, HttpRequest request)
    {
        if (level == FunctionAuthLevel.Anonymous)
        {
            return true;
        }

        string? presented = request.Headers["x-functions-key"];
        if (string.IsNullOrEmpty(presented))
        {
            presented = request.Query["code"];
        }

        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(presented);
        return CryptographicOperations.FixedTimeEquals(bytes, _masterKey)
            || (level == FunctionAuthLevel.Function && CryptographicOperations.FixedTimeEquals(bytes, _functionKey));
    }

    private static async Task<ByteString> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.Length == 0 ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(buffer.ToArray());
    }

    private static InvocationRequest BuildInvocation(
        string invocationId, HttpFunction function, HttpRequest request, RouteValueDictionary routeValues, ByteString body)
    {
        var http = new RpcHttp
        {
            Method = request.Method,
            Url = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}",
            Body = new TypedData { Bytes = body },
            RawBody = new TypedData { Bytes = body },
        };

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in request.Headers)
        {
            var joined = value.ToString();
            headers[name] = joined;
            http.Headers[name] = joined;
            http.NullableHeaders[name] = new NullableString { Value = joined };
        }

        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in request.Query)
        {
            var joined = value.ToString();
            query[name] = joined;
            http.Query[name] = joined;
            http.NullableQuery[name] = new NullableString { Value = joined };
        }

        var invocation = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = function.FunctionId!,
            TraceContext = new RpcTraceContext { TraceParent = TraceParent(request), TraceState = string.Empty },
        };

        foreach (var (name, value) in routeValues)
        {
            if (value?.ToString() is { } text)
            {
                http.Params[name] = text;
                http.NullableParams[name] = new NullableString { Value = text };
                invocation.TriggerMetadata[name] = new TypedData { String = text };
            }
        }

        invocation.InputData.Add(new ParameterBinding { Name = function.TriggerName, Data = new TypedData { Http = http } });
        invocation.TriggerMetadata["Query"] = new TypedData { Json = JsonSerializer.Serialize(query) };
        invocation.TriggerMetadata["Headers"] = new TypedData { Json = JsonSerializer.Serialize(headers) };
        return invocation;
    }

    private static string TraceParent(HttpRequest request)
    {
        string? incoming = request.Headers["traceparent"];
        return incoming is { Length: 55 } ? incoming : $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-00";
    }

    private async Task WriteResponseAsync(HttpContext context, HttpFunction function, string invocationId, InvocationResponse response)
    {
        if (response.Result?.Status != StatusResult.Types.Status.Success)
        {
            // The host answers a failed invocation with a bare 500; the reason goes to the logs only.
            emulator.Log($"emulator: invocation {invocationId} of {function.Name} failed: {response.Result?.Exception?.Message}");
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        var http = response.ReturnValue?.Http
            ?? response.OutputData.FirstOrDefault(o => o.Data?.Http is not null)?.Data.Http;
        if (http is null)
        {
            emulator.Log($"emulator: invocation {invocationId} of {function.Name} returned no HTTP response.");
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        context.Response.StatusCode = int.TryParse(http.StatusCode, out var status) ? status : StatusCodes.Status200OK;
        foreach (var (name, value) in http.Headers)
        {
            if (string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            context.Response.Headers.Append(name, value);
        }

        var body = http.Body;
        ReadOnlyMemory<byte> bytes = body?.DataCase switch
        {
            TypedData.DataOneofCase.Bytes => body.Bytes.Memory,
            TypedData.DataOneofCase.Stream => body.Stream.Memory,
            TypedData.DataOneofCase.String => Encoding.UTF8.GetBytes(body.String),
            TypedData.DataOneofCase.Json => Encoding.UTF8.GetBytes(body.Json),
            _ => ReadOnlyMemory<byte>.Empty,
        };
        // No Content-Length: the real host streams the worker's body, so Kestrel frames it chunked there too.
        if (bytes.Length > 0)
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }
}
