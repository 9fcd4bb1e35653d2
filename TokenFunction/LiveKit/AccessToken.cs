namespace TokenFunction.LiveKit;

/// <summary>
/// Builds and signs a LiveKit access token: an HS256 JWT whose <c>iss</c> is the API key, <c>sub</c> the participant
/// identity, <c>nbf</c> now and <c>exp</c> now plus the TTL, with LiveKit's grants as custom claims. Accepts any
/// non-empty secret, the dev server's six-byte <c>secret</c> included.
/// </summary>
internal sealed class AccessToken
{
    /// <summary>The official SDKs' default lifetime.</summary>
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromHours(6);

    private readonly string _apiKey;
    private readonly string _apiSecret;
    private readonly TimeProvider _timeProvider;

    public AccessToken(string apiKey, string apiSecret, TimeProvider? timeProvider = null)
    {
        CredentialGuard.ThrowIfEmpty(apiKey, apiSecret);
        _apiKey = apiKey;
        _apiSecret = apiSecret;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Every claim the token carries (the one claim model). The properties below are shorthands for the common ones,
    /// as the Node SDK's are; a claim without a shorthand is set here.
    /// </summary>
    public ClaimGrants Claims { get; init; } = new();

    /// <summary>The participant identity, written as <c>sub</c>. Required by a join grant.</summary>
    public string? Identity { get => Claims.Identity; set => Claims.Identity = value; }

    /// <inheritdoc cref="ClaimGrants.Name"/>
    public string? Name { get => Claims.Name; set => Claims.Name = value; }

    /// <inheritdoc cref="ClaimGrants.Metadata"/>
    public string? Metadata { get => Claims.Metadata; set => Claims.Metadata = value; }

    /// <inheritdoc cref="ClaimGrants.Attributes"/>
    public IDictionary<string, string>? Attributes { get => Claims.Attributes; set => Claims.Attributes = value; }

    /// <summary>
    /// How long the token is valid from <see cref="NotBefore"/>. It bounds only the first connection: LiveKit renews
    /// the tokens of connected participants itself.
    /// </summary>
    public TimeSpan Ttl { get; set; } = DefaultTtl;

    /// <summary>Defaults to now from the <see cref="TimeProvider"/> at <see cref="ToJwt"/>.</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>Defaults to <see cref="NotBefore"/> plus <see cref="Ttl"/>.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <inheritdoc cref="ClaimGrants.RoomConfig"/>
    public RoomConfiguration? RoomConfig { get => Claims.RoomConfig; set => Claims.RoomConfig = value; }

    /// <summary>The video grant accumulated by <see cref="AddGrant"/>, if any.</summary>
    public VideoGrant? VideoGrant => Claims.Video;

    /// <summary>Merges <paramref name="grant"/> into the token's video grant; what it sets wins.</summary>
    public AccessToken AddGrant(VideoGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        (Claims.Video ??= new VideoGrant()).MergeFrom(grant);
        return this;
    }

    /// <summary>Signs the token.</summary>
    /// <exception cref="InvalidOperationException">The claims are refused; the message says why.</exception>
    public string ToJwt()
    {
        if (VideoGrant is { RoomJoin: true } video)
        {
            if (string.IsNullOrEmpty(Identity))
            {
                throw new InvalidOperationException("A token with a roomJoin grant needs a participant identity.");
            }

            if (string.IsNullOrEmpty(video.Room))
            {
                throw new InvalidOperationException("A token with a roomJoin grant needs a room name.");
            }
        }

        if (VideoGrant?.CanPublishSources is { } sources)
        {
            foreach (var source in sources)
            {
                if (!Enum.IsDefined(source))
                {
                    throw new InvalidOperationException($"canPublishSources holds {(int)source}, which is not a LiveKit track source.");
                }
            }
        }

        var notBefore = NotBefore ?? _timeProvider.GetUtcNow();
        DateTimeOffset expiresAt;
        if (ExpiresAt is { } explicitExpiry)
        {
            expiresAt = explicitExpiry;
        }
        else if (Ttl <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("The token's TTL must be positive.");
        }
        else if (Ttl > DateTimeOffset.MaxValue - notBefore)
        {
            throw new InvalidOperationException("The token's TTL reaches past the largest representable time.");
        }
        else
        {
            expiresAt = notBefore + Ttl;
        }

        var nbf = notBefore.ToUnixTimeSeconds();
        var exp = expiresAt.ToUnixTimeSeconds();
        if (exp <= nbf)
        {
            throw new InvalidOperationException("The token's expiry must be at least one second after its not-before time.");
        }

        Claims.Issuer = _apiKey;
        Claims.NotBefore = nbf;
        Claims.ExpiresAt = exp;
        return JwtWriter.Write(Claims, _apiSecret);
    }

    /// <summary>Names the key only: this object may end up in debugger views and log scopes.</summary>
    public override string ToString() => $"AccessToken {{ ApiKey = {_apiKey}, Identity = {Identity} }}";
}
