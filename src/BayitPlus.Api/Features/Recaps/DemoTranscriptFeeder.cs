using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Telemetry;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Recaps;

/// <summary>
/// On the embedded emulator only, plays the captioning service for one demo channel (the first
/// English one): at start it stores the last <see cref="Backfill"/> of a scripted English bulletin,
/// so a newcomer can ask for a recap at once, then adds a line every <see cref="LineLength"/> as a
/// live feed would. Lines sit on fixed slots of the clock and the script is chosen by slot, so a
/// restart stores nothing twice (the segment key is unique). A configured <c>MONGODB_URI</c> is
/// never fed.
/// </summary>
public sealed partial class DemoTranscriptFeeder(
    MongoSettings settings,
    MongoContext db,
    ILiveChannels channels,
    ReadinessGates gates,
    TimeProvider time,
    ILogger<DemoTranscriptFeeder> logger) : BackgroundService
{
    public static readonly TimeSpan LineLength = TimeSpan.FromSeconds(12);

    public static readonly TimeSpan Backfill = TimeSpan.FromMinutes(20);

    /// <summary>A made-up bulletin: every name in it is invented.</summary>
    public static readonly IReadOnlyList<string> Script =
    [
        "Good evening and welcome to Bayit+ International, here are tonight's main stories.",
        "Heavy rain is expected across the north of the country tonight, with flooding possible in the valleys.",
        "The weather service says the rain will move south by tomorrow morning and clear by the afternoon.",
        "Drivers on the coastal highway are asked to slow down and keep their distance while the rain lasts.",
        "In Jerusalem, the Festival of Lights opens tonight in the Old City, with thirty installations along the walls.",
        "Organizers of the festival expect more than two hundred thousand visitors over the next ten days.",
        "Light rail trains to the Old City will run every five minutes until midnight during the festival.",
        "In business news, the Haifa startup Nahal Robotics has raised forty million dollars for its farm robots.",
        "Nahal Robotics says its robots pick tomatoes and peppers in greenhouses, and it will hire sixty engineers in Haifa.",
        "The shekel rose slightly against the dollar today, and the Tel Aviv stock exchange closed higher.",
        "In sport, Maccabi Carmel beat Hapoel Negev two to one in a rainy league match in Haifa.",
        "The winning goal came in the last minute of the match, a header from the young striker Eli Ben Ami.",
        "Maccabi Carmel now leads the league by three points, with eight matches left to play.",
        "Scientists at the Weizmann Institute report a new method to find water leaks in city pipes with sound sensors.",
        "The researchers say the sensors could save cities up to a fifth of the water they lose every year.",
        "Tomorrow on Bayit+ International: an interview with the director of the Festival of Lights.",
        "That was the news for this hour; stay with us for the weather forecast and the evening film.",
    ];

    private readonly ReadinessGate? _ready = settings.IsEmbeddedEmulator ? gates.Open("demo transcript") : null;

    /// <summary>The channel fed, once found; and where the next feed starts.</summary>
    private LiveChannelInfo? _channel;
    private DateTime _fed;

    private IMongoCollection<LiveTranscriptSegmentDocument> Segments => db.Collection<LiveTranscriptSegmentDocument>(LiveTranscriptSegmentDocument.CollectionName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_ready is null)
        {
            return;
        }

        // After the demo catalog (its channels) and the indexes, the other start-up work. A demo
        // that cannot be fed is logged, never a reason for the API not to be ready: the next
        // tick tries again.
        await Task.WhenAll(gates.Gates.Where(gate => gate != _ready).Select(gate => gate.Settled)).WaitAsync(stoppingToken);
        using (MongoCommandMetrics.StartupWork())
        {
            await FeedOnceAsync(stoppingToken);
        }

        _ready.Complete();
        using var timer = new PeriodicTimer(LineLength, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await FeedOnceAsync(stoppingToken);
        }
    }

    /// <summary>Finds the channel (the first time, or until one exists), then stores the lines since
    /// the last feed, at most the last <see cref="Backfill"/> (after a pause, a laptop asleep).</summary>
    private async Task FeedOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            if (_channel is null)
            {
                var active = await channels.ListActiveAsync(stoppingToken);
                _channel = active.FirstOrDefault(c => c.Language == "en") ?? active.FirstOrDefault();
                if (_channel is null)
                {
                    return;
                }

                LogFeeding(logger, _channel.Name, _channel.Id, (int)Backfill.TotalMinutes);
            }

            _fed = await FeedAsync(_channel.Id, _fed > now - Backfill ? _fed : now - Backfill, now, stoppingToken);
        }
        catch (Exception error) when (!stoppingToken.IsCancellationRequested)
        {
            // Lines are placed by their slot, not by the tick: the next feed fills the gap.
            LogFeedFailed(logger, error);
        }
    }

    /// <summary>Stores the lines whose slots start in [<paramref name="from"/>, <paramref name="until"/>)
    /// and end by <paramref name="until"/>; returns where the next feed starts.</summary>
    private async Task<DateTime> FeedAsync(string channelId, DateTime from, DateTime until, CancellationToken cancellationToken)
    {
        var lines = Lines(channelId, from, until, until).ToList();
        if (lines.Count == 0)
        {
            return from;
        }

        try
        {
            await Segments.InsertManyAsync(lines, new InsertManyOptions { IsOrdered = false }, cancellationToken);
        }
        catch (MongoBulkWriteException<LiveTranscriptSegmentDocument> error) when (error.WriteErrors.All(e => e.Category == ServerErrorCategory.DuplicateKey))
        {
            // Stored by an earlier run of the demo.
        }

        return lines[^1].EndTime;
    }

    /// <summary>The script's lines on the slots of <see cref="LineLength"/> that start at or after
    /// <paramref name="from"/> and end by <paramref name="until"/>, the line chosen by the slot's number.</summary>
    public static IEnumerable<LiveTranscriptSegmentDocument> Lines(string channelId, DateTime from, DateTime until, DateTime receivedAt)
    {
        var slot = (from.Ticks + LineLength.Ticks - 1) / LineLength.Ticks;
        for (var start = new DateTime(slot * LineLength.Ticks, DateTimeKind.Utc); start + LineLength <= until; start += LineLength, slot++)
        {
            var text = Script[(int)(slot % Script.Count)];
            yield return new LiveTranscriptSegmentDocument
            {
                SegmentKey = IngestTranscript.KeyOf(channelId, start, text),
                ChannelId = channelId,
                Text = text,
                StartTime = start,
                EndTime = start + LineLength,
                Language = "en",
                Speaker = "Anchor",
                ReceivedAt = receivedAt,
            };
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Feeding a demo transcript to the live channel {Channel} ({ChannelId}): the last {Minutes} minutes, then a line every 12 seconds; ask POST /api/live/channels/{ChannelId}/recaps")]
    private static partial void LogFeeding(ILogger logger, string channel, string channelId, int minutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The demo transcript feed could not store its lines; the next tick (12 s) tries again")]
    private static partial void LogFeedFailed(ILogger logger, Exception error);
}
