using Grpc.Core;
using TokenFunction.Tests.EndToEnd.Hosts.Emulator.Rpc;

namespace TokenFunction.Tests.EndToEnd.Hosts.Emulator;

/// <summary>The gRPC endpoint the worker dials (<c>--functions-uri</c>); it hands the stream to the connection.</summary>
internal sealed class FunctionRpcService(WorkerConnection connection) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(
        IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
        => connection.RunAsync(requestStream, responseStream, context.CancellationToken);
}
