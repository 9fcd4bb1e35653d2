using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using TokenFunction.Tests.EndToEnd.Hosts.Emulator.Rpc;

namespace TokenFunction.Tests.EndToEnd.Hosts.Emulator;

/// <summary>
/// The host's end of the worker's event stream: one outgoing queue (a gRPC stream takes one writer at a time) and a
/// reader that routes every reply to whoever is waiting for it, keyed by kind and id, so invocations can overlap.
/// </summary>
internal sealed class WorkerConnection
{
    private readonly Channel<StreamingMessage> _outgoing = Channel.CreateUnbounded<StreamingMessage>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource<string> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new(StringComparer.Ordinal);
    private readonly Action<RpcLog> _onLog;
    private int _connected;
    private volatile Exception? _failure;

    public WorkerConnection(Action<RpcLog> onLog) => _onLog = onLog;

    /// <summary>Completes with the worker id once the worker has opened its stream.</summary>
    public Task<string> Started => _started.Task;

    public async Task RunAsync(
        IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _connected, 1) != 0)
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.AlreadyExists, "This emulator serves one worker."));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = WriteAllAsync(responses, stop.Token);
        try
        {
            await foreach (var message in requests.ReadAllAsync(cancellationToken))
            {
                Dispatch(message);
            }

            Fail(new IOException("The worker closed its event stream."));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or Grpc.Core.RpcException)
        {
            Fail(new IOException("The worker's event stream broke.", e));
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await writer;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Sends <paramref name="message"/> and waits for the reply registered under <paramref name="replyKey"/>.</summary>
    public async Task<StreamingMessage> RequestAsync(
        string replyKey, StreamingMessage message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var reply = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(replyKey, reply))
        {
            throw new InvalidOperationException($"A request is already waiting for '{replyKey}'.");
        }

        try
        {
            if (_failure is { } failure)
            {
                throw new IOException("The worker is gone.", failure);
            }

            if (!_outgoing.Writer.TryWrite(message))
            {
                throw new IOException("The worker connection is closed.", _failure);
            }

            return await reply.Task.WaitAsync(timeout, cancellationToken);
        }
        finally
        {
            _pending.TryRemove(replyKey, out _);
        }
    }

    public void Send(StreamingMessage message) => _outgoing.Writer.TryWrite(message);

    /// <summary>Fails start-up and every waiting request, e.g. when the worker process exits.</summary>
    public void Fail(Exception reason)
    {
        _failure ??= reason;
        _started.TrySetException(reason);
        foreach (var waiting in _pending.Values)
        {
            waiting.TrySetException(reason);
        }
    }

    public void Close() => _outgoing.Writer.TryComplete();

    internal static string InitKey => "init";

    internal static string MetadataKey => "metadata";

    internal static string LoadKey(string functionId) => "load:" + functionId;

    internal static string InvocationKey(string invocationId) => "invocation:" + invocationId;

    private async Task WriteAllAsync(IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        await foreach (var message in _outgoing.Reader.ReadAllAsync(cancellationToken))
        {
            await responses.WriteAsync(message, cancellationToken);
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.StartStream:
                _started.TrySetResult(message.StartStream.WorkerId);
                break;
            case StreamingMessage.ContentOneofCase.WorkerInitResponse:
                Complete(InitKey, message);
                break;
            case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
                Complete(MetadataKey, message);
                break;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                Complete(LoadKey(message.FunctionLoadResponse.FunctionId), message);
                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                Complete(InvocationKey(message.InvocationResponse.InvocationId), message);
                break;
            case StreamingMessage.ContentOneofCase.RpcLog:
                _onLog(message.RpcLog);
                break;
            default:
                // Messages outside the emulator's subset (heartbeats, status) need no answer from a host.
                break;
        }
    }

    private void Complete(string key, StreamingMessage message)
    {
        if (_pending.TryGetValue(key, out var waiting))
        {
            waiting.TrySetResult(message);
        }
    }
}
