using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using TokenFunction.Telemetry;

namespace TokenFunction.Tests.Support.Telemetry;

/// <summary>
/// The service's instruments are static, so tests that read them run alone (no parallel test emits meanwhile).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryTestGroup
{
    public const string Name = "Telemetry";
}

/// <summary>One measurement as a listener saw it.</summary>
public sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags);

/// <summary>
/// Everything the service's meter and activity source emit while it lives: every measurement with its tags, every
/// finished span with its attributes. What a real exporter would be handed.
/// </summary>
public sealed class TelemetryCapture : IDisposable
{
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _spans;
    private readonly ConcurrentQueue<Measured> _measurements = new();
    private readonly ConcurrentQueue<Activity> _activities = new();

    public TelemetryCapture()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TokenServiceTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        _meters.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        _meters.Start();
        _spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TokenServiceTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_spans);
    }

    public IReadOnlyList<Measured> Measurements => [.. _measurements];

    public IReadOnlyList<Activity> Spans => [.. _activities];

    /// <summary>Reads the observable gauges now, as an exporter's collection would.</summary>
    public void CollectGauges() => _meters.RecordObservableInstruments();

    public IReadOnlyList<Measured> Of(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument)];

    /// <summary>The sum of an instrument's values whose tags include every given pair.</summary>
    public double Sum(string instrument, params (string Key, string Value)[] tags) =>
        Of(instrument).Where(m => tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v == t.Value)).Sum(m => m.Value);

    /// <summary>Every string a metric or span carries: names, tag keys and values, status descriptions.</summary>
    public IEnumerable<string> AllText()
    {
        foreach (var m in Measurements)
        {
            yield return m.Instrument;
            foreach (var (key, value) in m.Tags)
            {
                yield return key;
                yield return value ?? "";
            }
        }

        foreach (var span in Spans)
        {
            yield return span.OperationName;
            yield return span.DisplayName;
            yield return span.StatusDescription ?? "";
            foreach (var (key, value) in span.TagObjects)
            {
                yield return key;
                yield return value?.ToString() ?? "";
            }

            foreach (var e in span.Events)
            {
                yield return e.Name;
                foreach (var (key, value) in e.Tags)
                {
                    yield return key;
                    yield return value?.ToString() ?? "";
                }
            }

            foreach (var (key, value) in span.Baggage)
            {
                yield return key;
                yield return value ?? "";
            }
        }
    }

    public void Dispose()
    {
        _meters.Dispose();
        _spans.Dispose();
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct, IConvertible
    {
        var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, tag) in tags)
        {
            copy[key] = Convert.ToString(tag, System.Globalization.CultureInfo.InvariantCulture);
        }

        _measurements.Enqueue(new Measured(instrument.Name, value.ToDouble(System.Globalization.CultureInfo.InvariantCulture), copy));
    }
}
