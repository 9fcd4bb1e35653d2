using System.Buffers;
using Microsoft.Azure.Functions.Worker.Http;
using TokenFunction.Contract;

namespace TokenFunction.Http;

/// <summary>Reads a request body into a pooled buffer, never more than a hard cap, whatever Content-Length says.</summary>
internal sealed class RequestBody : IDisposable
{
    private byte[]? _buffer;

    private RequestBody(byte[]? buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _buffer is null ? default : _buffer.AsSpan(0, Length);

    /// <summary>No body but a 413 error when the body is larger than <paramref name="limit"/> bytes.</summary>
    public static async ValueTask<(RequestBody? Body, RequestError? Error)> ReadAsync(HttpRequestData request, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (DeclaredLength(request) is { } declared && declared > limit)
        {
            return (null, TooLarge(limit));
        }

        var stream = request.Body;
        if (stream is null)
        {
            return (new RequestBody(null, 0), null);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, 4096));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return (null, TooLarge(limit));
                    }

                    // Grow, but never past limit + 1: one byte more than allowed is enough to know it is too big.
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, limit + 1) - length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (null, TooLarge(limit));
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        return (new RequestBody(buffer, length), null);
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static long? DeclaredLength(HttpRequestData request) =>
        request.Headers.TryGetValues("Content-Length", out var values)
        && values.FirstOrDefault() is { } text
        && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
            ? length
            : null;

    private static RequestError TooLarge(int limit) => new(413, $"The request body must be at most {limit} bytes.", RequestFields.Body);
}
