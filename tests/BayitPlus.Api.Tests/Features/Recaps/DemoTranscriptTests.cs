using System.Net;
using BayitPlus.Api.Features.Recaps;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Tests.Features.Beta500;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Recaps;

public sealed class DemoTranscriptLinesTests
{
    private static readonly DateTime Slot = new(2026, 12, 4, 20, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Lines_sit_on_whole_slots_and_are_chosen_by_slot_so_a_second_feed_repeats_the_first()
    {
        var channel = ObjectId.GenerateNewId().ToString();

        var lines = DemoTranscriptFeeder.Lines(channel, Slot.AddSeconds(5), Slot.AddMinutes(1).AddSeconds(5), Slot).ToList();
        var again = DemoTranscriptFeeder.Lines(channel, Slot.AddSeconds(5), Slot.AddMinutes(1).AddSeconds(5), Slot.AddHours(1)).ToList();

        Assert.Equal([Slot.AddSeconds(12), Slot.AddSeconds(24), Slot.AddSeconds(36), Slot.AddSeconds(48)], lines.Select(l => l.StartTime));
        Assert.All(lines, l => Assert.Equal(l.StartTime + DemoTranscriptFeeder.LineLength, l.EndTime));
        Assert.Equal(lines.Select(l => l.SegmentKey), again.Select(l => l.SegmentKey));
        Assert.Equal(4, lines.Select(l => l.Text).Distinct().Count());
        Assert.All(lines, l => Assert.Contains(l.Text, DemoTranscriptFeeder.Script));
    }

    [Fact]
    public void A_line_still_being_spoken_waits_for_the_next_feed()
    {
        var lines = DemoTranscriptFeeder.Lines("c", Slot, Slot.AddSeconds(23), Slot).ToList();

        Assert.Equal([Slot], lines.Select(l => l.StartTime));
    }
}

/// <summary>The tests' factory names a MongoDB URI, so no transcript is fed there.</summary>
public sealed class DemoTranscriptNotFedTests(ApiFactory api)
{
    [Fact]
    public async Task A_configured_mongodb_uri_is_never_fed()
    {
        var feeder = api.Services.GetServices<IHostedService>().OfType<DemoTranscriptFeeder>().Single();
        await feeder.ExecuteTask!.WaitAsync(Http.Ct);

        var script = Builders<BsonDocument>.Filter.In("text", DemoTranscriptFeeder.Script);
        Assert.Equal(0, await api.Raw("livetranscriptsegment").CountDocumentsAsync(script, cancellationToken: Http.Ct));
    }
}

/// <summary>On the embedded emulator a newcomer can ask for a recap of the demo channel at once.</summary>
public sealed class DemoTranscriptFedTests(DemoTranscriptFedTests.EmbeddedEmulatorFactory api) : IClassFixture<DemoTranscriptFedTests.EmbeddedEmulatorFactory>
{
    public sealed class EmbeddedEmulatorFactory : ApiFactory
    {
        protected override void ConfigureServices(IServiceCollection services) =>
            services.Replace(ServiceDescriptor.Singleton(new MongoSettings { ConnectionString = Backend.ConnectionString, DatabaseName = DatabaseName, IsEmbeddedEmulator = true }));
    }

    [Fact]
    public async Task The_first_english_demo_channel_has_twenty_minutes_of_transcript_and_a_member_gets_its_recap()
    {
        var channel = await api.Raw("livechannel").Find(new BsonDocument("language", "en")).Sort(new BsonDocument("channel_number", 1)).FirstAsync(Http.Ct);
        var channelId = channel["_id"].AsObjectId.ToString();
        var segments = await api.Raw("livetranscriptsegment").Find(new BsonDocument("channel_id", channelId)).ToListAsync(Http.Ct);
        Assert.Equal("Bayit+ International", channel["channel_name"].AsString);
        // The backfill: 20 minutes of 12-second slots from the first line (the live feed may have
        // added lines after them since).
        var first = segments.Min(s => s["start_time"].ToUniversalTime());
        Assert.InRange(segments.Count(s => s["start_time"].ToUniversalTime() < first + DemoTranscriptFeeder.Backfill), 99, 100);
        Assert.All(segments, s => Assert.Contains(s["text"].AsString, DemoTranscriptFeeder.Script));
        Assert.All(segments, s => Assert.Equal(0, s["start_time"].ToUniversalTime().Ticks % DemoTranscriptFeeder.LineLength.Ticks));
        Assert.Equal(segments.Count, segments.Select(s => s["start_time"].ToUniversalTime()).Distinct().Count());

        var member = await api.MemberAsync();
        var response = await api.ClientFor(member).PostJsonAsync($"/api/live/channels/{channelId}/recaps", new { windowMinutes = 15, language = "en" });

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(DemoTranscriptFeeder.Script, line => body["summary"]!.GetValue<string>().Contains(line, StringComparison.Ordinal));
        Assert.Equal("en", body["language"]!.GetValue<string>());
    }
}
