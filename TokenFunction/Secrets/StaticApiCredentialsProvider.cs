namespace TokenFunction.Secrets;

/// <summary>A fixed key pair from configuration: the local default (<c>LIVEKIT_API_KEY</c>/<c>LIVEKIT_API_SECRET</c>).</summary>
internal sealed class StaticApiCredentialsProvider(ApiCredentials credentials) : IApiCredentialsProvider
{
    private readonly ValueTask<ApiCredentials> _result = new(credentials);

    public bool IsReady => true;

    public ValueTask<ApiCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default) => _result;
}
