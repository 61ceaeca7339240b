using System.Globalization;
using System.Net;
using BayitPlus.Api.Features.Recaps;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace BayitPlus.Api.Tests.Features.Recaps;

/// <summary>The real local summarizer, counted, with a behaviour a test may put in its place
/// (a failure, a hang, a model's answer) and the last transcript it was given.</summary>
public sealed class ScriptedSummarizer : IRecapSummarizer
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Func<IReadOnlyList<TranscriptLine>, string, CancellationToken, Task<RecapSummary>>? Behaviour { get; set; }

    /// <summary>False, as the local summarizer it stands for; true when a test puts a language model in.</summary>
    public bool Translates { get; set; }

    /// <summary>Held before answering, so that parallel requests meet a summarization in progress.</summary>
    public TimeSpan Delay { get; set; }

    public IReadOnlyList<TranscriptLine> LastTranscript { get; private set; } = [];

    public string? LastLanguage { get; private set; }

    public async Task<RecapSummary> SummarizeAsync(IReadOnlyList<TranscriptLine> transcript, string language, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        LastTranscript = transcript;
        LastLanguage = language;
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken);
        }

        return Behaviour is { } behaviour
            ? await behaviour(transcript, language, cancellationToken)
            : ExtractiveSummarizer.Summarize(transcript, language);
    }

    public void Reset()
    {
        Behaviour = null;
        Translates = false;
        Delay = TimeSpan.Zero;
    }
}

/// <summary>A host of its own for the recap tests: a clock they move (set mid-minute, so the window
/// is known), the <see cref="ScriptedSummarizer"/>, a 2-second timeout and a 7-second wait after a
/// failure. Its test classes run one after another, as they share the clock and the summarizer. The
/// clock starts 10 minutes ahead of real time and only moves forward: the database's TTL monitor
/// runs on real time, and a clock behind it would see a claim deleted as soon as it was made.</summary>
public sealed class RecapApiFactory : ApiFactory
{
    public const int Price = 5;

    public FakeTimeProvider Clock { get; } = new(Minute(DateTimeOffset.UtcNow).AddMinutes(10).AddSeconds(30));

    public ScriptedSummarizer Summarizer { get; } = new();

    public DateTime Now => Clock.GetUtcNow().UtcDateTime;

    /// <summary>The end of a window asked for now: the last whole minute.</summary>
    public DateTime WindowEnd => Minute(Clock.GetUtcNow()).UtcDateTime;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Recaps:Timeout"] = "00:00:02",
        ["Recaps:RetryAfterFailure"] = "00:00:07",
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
        services.Replace(ServiceDescriptor.Singleton<IRecapSummarizer>(Summarizer));
    }

    private static DateTimeOffset Minute(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
}

[CollectionDefinition]
public sealed class RecapCollection : ICollectionFixture<RecapApiFactory>;

public static class RecapSupport
{
    /// <summary>Lines of a made-up bulletin, each about one subject, several about the storm.</summary>
    public static readonly string[] Bulletin =
    [
        "A storm hit the northern coast tonight with heavy rain.",
        "The storm cut power to thousands of homes on the coast.",
        "Rescue teams evacuated families from flooded homes near Haifa.",
        "The weather service said the storm will weaken by Sunday.",
        "Schools on the northern coast will stay closed tomorrow because of the storm.",
        "In sports, the home team won the cup final.",
    ];

    public static string Url(string channelId) => $"/api/live/channels/{channelId}/recaps";

    /// <summary>Pushes <paramref name="texts"/> as consecutive segments of <paramref name="seconds"/>
    /// each from <paramref name="start"/>, through the ingestion endpoint as an admin.</summary>
    public static async Task FeedAsync(this RecapApiFactory api, string channelId, DateTime start, double seconds, params string[] texts)
    {
        var admin = await api.SignUpAsync(role: Roles.Admin);
        var segments = texts.Select((text, index) => new
        {
            text,
            startTime = start.AddSeconds(index * seconds).ToString("O", CultureInfo.InvariantCulture),
            endTime = start.AddSeconds((index + 1) * seconds).ToString("O", CultureInfo.InvariantCulture),
            language = "en",
        }).ToArray();
        var response = await api.ClientFor(admin).PostJsonAsync($"/api/live/channels/{channelId}/transcript", new { segments });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A channel whose last window holds the bulletin: 6 lines of 20 seconds (2 minutes),
    /// ending a minute before the window does.</summary>
    public static async Task<string> ChannelWithBulletinAsync(this RecapApiFactory api)
    {
        var channel = await api.NewLiveChannelAsync();
        await api.FeedAsync(channel, api.WindowEnd.AddMinutes(-3), 20, Bulletin);
        return channel;
    }
}
