using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using TokenFunction.Contract;

namespace TokenFunction.Telemetry;

/// <summary>
/// The one place that names what the service reports: its <see cref="Meter"/>, its <see cref="ActivitySource"/>, every
/// instrument and every tag. Tag values come from fixed sets chosen here, never from a request (cardinality and
/// privacy): no identity, room, token, key or secret can reach a metric or a span through this class.
/// </summary>
/// <remarks>
/// Static on purpose: callers in the endpoint, the Key Vault credentials provider and the authenticator add one line
/// each and need no new constructor parameter. An instrument with no listener costs one flag check; with one,
/// <see cref="TagList"/> keeps up to eight tags on the stack, so recording allocates nothing.
/// </remarks>
internal static class TokenServiceTelemetry
{
    /// <summary>The meter and activity source name; the OpenTelemetry set-up in Program.cs subscribes to it.</summary>
    public const string Name = "TokenFunction";

    /// <summary>Instrument names, as the alerts and the workbook in infra/ query them.</summary>
    public static class Instruments
    {
        public const string TokensIssued = "tokenservice.tokens.issued";
        public const string RequestsRefused = "tokenservice.requests.refused";
        public const string Unavailable = "tokenservice.requests.unavailable";
        public const string RequestDuration = "tokenservice.request.duration";
        public const string KeyVaultFetches = "tokenservice.keyvault.fetches";
        public const string KeyRotations = "tokenservice.keyvault.rotations";
        public const string KeyPairAge = "tokenservice.keyvault.key_pair.age";
        public const string Staleness = "tokenservice.keyvault.staleness";
        public const string BearerFailures = "tokenservice.bearer.failures";
        public const string MetadataRefreshes = "tokenservice.bearer.metadata_refreshes";

        public static IReadOnlyList<string> All { get; } =
        [
            TokensIssued, RequestsRefused, Unavailable, RequestDuration, KeyVaultFetches, KeyRotations, KeyPairAge,
            Staleness, BearerFailures, MetadataRefreshes,
        ];
    }

    /// <summary>Span names.</summary>
    public static class Spans
    {
        public const string KeyVaultFetch = "keyvault get_secret";
        public const string MetadataFetch = "oidc metadata";
    }

    /// <summary>Tag keys (OpenTelemetry semantic conventions where one fits).</summary>
    public static class Tags
    {
        public const string Route = "route";
        public const string AuthMode = "auth.mode";
        public const string Status = "http.response.status_code";
        public const string Reason = "reason";
        public const string Cause = "cause";
        public const string Outcome = "outcome";
    }

    /// <summary>Values of the <see cref="Tags.Cause"/> tag on <see cref="Instruments.Unavailable"/>.</summary>
    public static class Causes
    {
        public const string SecretUnavailable = "secret_unavailable";
        public const string IdentityProviderUnavailable = "identity_provider_unavailable";
    }

    /// <summary>Values of the <see cref="Tags.Outcome"/> tag on <see cref="Instruments.KeyVaultFetches"/>.</summary>
    public static class Outcomes
    {
        public const string Ok = "ok";
        public const string Throttled = "throttled";
        public const string Failed = "failed";
        public const string TimedOut = "timed_out";
    }

    /// <summary>
    /// Values of the <see cref="Tags.Reason"/> tag on <see cref="Instruments.RequestsRefused"/>: a request field
    /// (<see cref="RequestFields.Standard"/>), <c>body</c>, <c>content_type</c>, one value for every privileged grant,
    /// <c>authentication</c> for a 401, or <c>other</c>.
    /// </summary>
    public static class RefusalReasons
    {
        public const string Authentication = "authentication";
        public const string PrivilegedGrant = "privileged_grant";
        public const string Body = "body";
        public const string ContentType = "content_type";
        public const string Other = "other";

        public static IReadOnlyList<string> All { get; } =
            [Authentication, PrivilegedGrant, Body, ContentType, Other, .. RequestFields.Standard];
    }

    // The bearer failure reasons' tags, by the enum's value: BearerFailureReason is the list.
    private static readonly string[] s_bearerReasons =
        [.. Enum.GetValues<BearerFailureReason>().Select(static r => JsonNamingPolicy.SnakeCaseLower.ConvertName(r.ToString()))];

    // Request fields as policy names them (any spelling: compared lower-case without '_'), mapped to one fixed value.
    private static readonly FrozenDictionary<string, string> s_fields = BuildFieldReasons();

    // Boxed once: a status code boxed per call would allocate on every measurement.
    private static readonly object[] s_statusCodes = [.. Enumerable.Range(0, 600).Select(static code => (object)code)];

    private static readonly Meter s_meter = new(Name);

    internal static readonly ActivitySource Source = new(Name);

    private static readonly Counter<long> s_tokensIssued = s_meter.CreateCounter<long>(
        Instruments.TokensIssued, "{token}", "Tokens issued, by route and caller authentication mode.");

    private static readonly Counter<long> s_refused = s_meter.CreateCounter<long>(
        Instruments.RequestsRefused, "{request}", "Requests refused with a 4xx, by route, status and the refused field or reason.");

    private static readonly Counter<long> s_unavailable = s_meter.CreateCounter<long>(
        Instruments.Unavailable, "{request}", "Requests answered 503, by route and cause.");

    private static readonly Histogram<double> s_duration = s_meter.CreateHistogram(
        Instruments.RequestDuration, "s", "Time our code spends on a token request, from the invocation reaching the endpoint to the response written.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly Counter<long> s_keyVaultFetches = s_meter.CreateCounter<long>(
        Instruments.KeyVaultFetches, "{fetch}", "Key Vault reads of the signing secret, by outcome.");

    private static readonly Counter<long> s_rotations = s_meter.CreateCounter<long>(
        Instruments.KeyRotations, "{rotation}", "Times a new key pair version was loaded in place of another.");

    private static readonly Counter<long> s_bearerFailures = s_meter.CreateCounter<long>(
        Instruments.BearerFailures, "{request}", "Bearer tokens refused, by reason.");

    private static readonly Counter<long> s_metadataRefreshes = s_meter.CreateCounter<long>(
        Instruments.MetadataRefreshes, "{refresh}", "Identity provider metadata refreshes forced by an unknown signing key.");

    private static Func<KeyPairState?>? s_keyPairState;

    static TokenServiceTelemetry()
    {
        s_meter.CreateObservableGauge(Instruments.KeyPairAge, () => ObserveKeyPair(static s => s.Age), "s",
            "Age of the key pair being served, since it was read from Key Vault.");
        s_meter.CreateObservableGauge(Instruments.Staleness, () => ObserveKeyPair(static s => s.Staleness), "s",
            "How far past its time to live the key pair being served is (0 while fresh).");
    }

    /// <summary>The state the key pair gauges report, read when a reader collects.</summary>
    public readonly record struct KeyPairState(double Age, double Staleness);

    public static void TokenIssued(string route, bool authenticated) =>
        s_tokensIssued.Add(1, new TagList { { Tags.Route, route }, { Tags.AuthMode, authenticated ? "bearer" : "anonymous" } });

    /// <param name="field">The field policy named (mapped to a fixed set here), or null for an authentication refusal.</param>
    public static void RequestRefused(string route, int status, string? field)
    {
        if (s_refused.Enabled)
        {
            s_refused.Add(1, new TagList { { Tags.Route, route }, { Tags.Status, StatusTag(status) }, { Tags.Reason, RefusalReason(status, field) } });
        }
    }

    public static void Unavailable(string route, string cause) =>
        s_unavailable.Add(1, new TagList { { Tags.Route, route }, { Tags.Cause, cause } });

    /// <summary>Records the time since <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static void RequestCompleted(string route, int status, long startTimestamp)
    {
        if (s_duration.Enabled)
        {
            s_duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, new TagList { { Tags.Route, route }, { Tags.Status, StatusTag(status) } });
        }
    }

    public static void KeyVaultFetch(string outcome) => s_keyVaultFetches.Add(1, new TagList { { Tags.Outcome, outcome } });

    public static void KeyPairRotated() => s_rotations.Add(1);

    public static void BearerFailure(BearerFailureReason reason) =>
        s_bearerFailures.Add(1, new TagList { { Tags.Reason, ReasonTag(reason) } });

    /// <summary>The <see cref="Tags.Reason"/> value of a bearer failure: the reason's snake_case name.</summary>
    public static string ReasonTag(BearerFailureReason reason) =>
        (uint)reason < (uint)s_bearerReasons.Length ? s_bearerReasons[(int)reason] : RefusalReasons.Other;

    public static void MetadataRefreshForced() => s_metadataRefreshes.Add(1);

    /// <summary>
    /// Points the key pair gauges at a provider (the last one registered wins: the app has one). Dispose the result
    /// to detach, so a disposed provider is no longer reported.
    /// </summary>
    public static IDisposable ObserveKeyPair(Func<KeyPairState?> state)
    {
        Volatile.Write(ref s_keyPairState, state);
        return new Detach(state);
    }

    /// <summary>Starts a client span as a child of <paramref name="parent"/> (default: a root), or null when no one listens.</summary>
    public static Activity? StartSpan(string name, ActivityContext parent = default) =>
        Source.StartActivity(name, ActivityKind.Client, parent);

    /// <summary>The reason tag of a refusal: a field from the fixed set, or <c>other</c>.</summary>
    internal static string RefusalReason(int status, string? field)
    {
        if (status == 401)
        {
            return RefusalReasons.Authentication;
        }

        if (string.IsNullOrEmpty(field))
        {
            return RefusalReasons.Other;
        }

        var span = field.AsSpan();
        var end = span.IndexOfAny('.', '[');
        var head = end < 0 ? span : span[..end];
        Span<char> key = stackalloc char[64];
        var length = 0;
        foreach (var c in head)
        {
            if (c == '_')
            {
                continue;
            }

            if (length == key.Length)
            {
                return RefusalReasons.Other;
            }

            key[length++] = char.ToLowerInvariant(c);
        }

        return s_fields.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key[..length], out var reason) ? reason : RefusalReasons.Other;
    }

    private static object StatusTag(int status) => (uint)status < (uint)s_statusCodes.Length ? s_statusCodes[status] : s_statusCodes[0];

    private static IEnumerable<Measurement<double>> ObserveKeyPair(Func<KeyPairState, double> select) =>
        Volatile.Read(ref s_keyPairState)?.Invoke() is { } state ? [new Measurement<double>(select(state))] : [];

    private static FrozenDictionary<string, string> BuildFieldReasons()
    {
        var map = RequestFields.Standard.ToDictionary(RequestFields.Key, f => f, StringComparer.Ordinal);
        map[RequestFields.Key(RequestFields.Body)] = RefusalReasons.Body;
        map[RequestFields.Key(RequestFields.ContentType)] = RefusalReasons.ContentType;
        map["contenttype"] = RefusalReasons.ContentType;

        // Fields that ask for grants policy decides: one value, since any of them is the same refusal.
        foreach (var privileged in RequestFields.Privileged)
        {
            map[privileged] = RefusalReasons.PrivilegedGrant;
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed class Detach(Func<KeyPairState?> state) : IDisposable
    {
        public void Dispose() => Interlocked.CompareExchange(ref s_keyPairState, null, state);
    }
}
