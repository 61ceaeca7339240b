using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Recaps;
using BayitPlus.Api.Features.Users;
using BayitPlus.Api.Infrastructure.Credits;
using BayitPlus.Api.Tests.Features.Beta500;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Recaps;

[Collection<RecapCollection>]
public sealed class CreateRecapTests : IDisposable
{
    private readonly RecapApiFactory api;

    public CreateRecapTests(RecapApiFactory api)
    {
        this.api = api;
        api.Summarizer.Reset();
    }

    public void Dispose() => api.Summarizer.Reset();

    private IMongoCollection<BsonDocument> Sessions => api.Raw("recapsession");

    private IMongoCollection<BsonDocument> Summaries => api.Raw("recapsummary");

    private Task<List<BsonDocument>> SessionsOfAsync(string userId) =>
        Sessions.Find(new BsonDocument("user_id", userId)).ToListAsync(Http.Ct);

    private async Task<List<BsonDocument>> ChargesAsync(string userId) =>
        (await api.EntriesAsync(userId)).Where(e => e["transaction_type"] == "deduct").ToList();

    private static Task<HttpResponseMessage> AskAsync(HttpClient client, string channel, object? body = null) =>
        client.PostJsonAsync(RecapSupport.Url(channel), body ?? new { windowMinutes = 15, language = "en" });

    [Fact]
    public async Task A_member_gets_a_summary_of_the_last_whole_minutes_and_pays_for_it_once_it_exists()
    {
        var channel = await api.NewLiveChannelAsync();
        var end = api.WindowEnd;
        await api.FeedAsync(channel, end.AddMinutes(-16), 20, "Before the window, about the election results.");
        await api.FeedAsync(channel, end.AddMinutes(-3), 20, RecapSupport.Bulletin);
        await api.FeedAsync(channel, end.AddSeconds(5), 10, "After the window's end, about the lottery numbers.");
        var member = await api.MemberAsync(credits: 100);
        var calls = api.Summarizer.Calls;

        var response = await AskAsync(api.ClientFor(member), channel);

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(calls + 1, api.Summarizer.Calls);
        Assert.Equal(RecapSupport.Bulletin, api.Summarizer.LastTranscript.Select(l => l.Text));
        Assert.Equal(
            "A storm hit the northern coast tonight with heavy rain. The storm cut power to thousands of homes on the coast. Schools on the northern coast will stay closed tomorrow because of the storm.",
            body["summary"]!.GetValue<string>());
        Assert.Equal(
            ["Rescue teams evacuated families from flooded homes near Haifa.", "The weather service said the storm will weaken by Sunday.", "In sports, the home team won the cup final."],
            body["keyPoints"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(end.AddMinutes(-15), body["windowStart"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal(end, body["windowEnd"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal("en", body["language"]!.GetValue<string>());
        Assert.False(body["cached"]!.GetValue<bool>());
        Assert.Equal(RecapApiFactory.Price, body["creditsCharged"]!.GetValue<int>());
        Assert.Equal(100 - RecapApiFactory.Price, body["creditsRemaining"]!.GetValue<int>());
        Assert.Equal(api.Now.AddMinutes(3), body["expiresAt"]!.GetValue<DateTime>().ToUniversalTime());

        var stored = Assert.Single(await SessionsOfAsync(member.Id));
        Assert.Equal(body["recapId"]!.GetValue<string>(), stored["_id"].AsObjectId.ToString());
        Assert.Equal(channel, stored["channel_id"].AsString);
        Assert.Equal(body["summary"]!.GetValue<string>(), stored["summary"].AsString);
        Assert.Equal(end.AddMinutes(-15), stored["start_time"].ToUniversalTime());
        Assert.Equal(end, stored["end_time"].ToUniversalTime());
        Assert.Equal(RecapApiFactory.Price, stored["credits_used"].AsInt32);
        Assert.Equal(RecapSupport.Bulletin.Sum(t => t.Length), stored["transcript_length"].AsInt32);
        Assert.Equal(api.Now, stored["created_at"].ToUniversalTime());
        Assert.Equal(api.Now.AddMinutes(3), stored["expires_at"].ToUniversalTime());
        var charge = Assert.Single(await ChargesAsync(member.Id));
        Assert.Equal("catchup", charge["feature_used"].AsString);
        Assert.Equal(RecapApiFactory.Price, charge["amount"].AsInt32);
        Assert.Equal(100 - RecapApiFactory.Price, await api.AssertInvariantAsync(member.Id));
    }

    [Fact]
    public async Task Without_a_body_the_window_is_15_minutes_in_the_request_language_and_the_local_summarizer_says_it_kept_the_transcripts()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var client = api.ClientFor(await api.MemberAsync());
        client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("es"));

        var response = await client.PostAsync(RecapSupport.Url(channel), null, Http.Ct);

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("en", body["language"]!.GetValue<string>());
        Assert.Equal("en", response.Content.Headers.ContentLanguage.Single());
        Assert.Equal(api.WindowEnd.AddMinutes(-15), body["windowStart"]!.GetValue<DateTime>().ToUniversalTime());
        var summary = Assert.Single(await Summaries.Find(new BsonDocument("channel_id", channel)).ToListAsync(Http.Ct));
        Assert.Equal("original", summary["language"].AsString);
        Assert.Equal("en", summary["summary_language"].AsString);
        Assert.Equal(15, summary["window_minutes"].AsInt32);
        Assert.Equal("es", Assert.Single(await Sessions.Find(new BsonDocument("channel_id", channel)).ToListAsync(Http.Ct))["requested_language"].AsString);
    }

    [Fact]
    public async Task With_the_local_summarizer_one_summary_serves_every_language_and_a_member_pays_for_it_once()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var member = await api.MemberAsync(credits: 100);
        var calls = api.Summarizer.Calls;

        var english = await (await AskAsync(api.ClientFor(member), channel)).ReadJsonAsync();
        var hebrew = await (await AskAsync(api.ClientFor(member), channel, new { language = "he" })).ReadJsonAsync();
        var other = await (await AskAsync(api.ClientFor(await api.MemberAsync()), channel, new { language = "es" })).ReadJsonAsync();

        Assert.Equal(calls + 1, api.Summarizer.Calls);
        Assert.Equal(english["recapId"]!.GetValue<string>(), hebrew["recapId"]!.GetValue<string>());
        Assert.True(hebrew["cached"]!.GetValue<bool>());
        Assert.Equal(0, hebrew["creditsCharged"]!.GetValue<int>());
        Assert.Equal(100 - RecapApiFactory.Price, hebrew["creditsRemaining"]!.GetValue<int>());
        Assert.Equal(english["summary"]!.GetValue<string>(), other["summary"]!.GetValue<string>());
        Assert.Equal(RecapApiFactory.Price, other["creditsCharged"]!.GetValue<int>());
        Assert.Single(await ChargesAsync(member.Id));
        Assert.Single(await SessionsOfAsync(member.Id));
    }

    [Fact]
    public async Task Captions_without_words_do_not_count_as_speech()
    {
        var channel = await api.NewLiveChannelAsync();
        await api.FeedAsync(channel, api.WindowEnd.AddMinutes(-6), 5, "Hello everyone.");
        await api.FeedAsync(channel, api.WindowEnd.AddMinutes(-5), 30, "♪♪", "♪ ♪ ♪", "…");
        var member = await api.MemberAsync(credits: 100);

        var problem = await (await AskAsync(api.ClientFor(member), channel)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(RecapProblems.NotEnoughTranscript, problem["type"]!.GetValue<string>());
        Assert.Contains("hold 5 seconds", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await ChargesAsync(member.Id));
        Assert.Empty(await Summaries.Find(new BsonDocument("channel_id", channel)).ToListAsync(Http.Ct));
    }

    [Fact]
    public async Task A_member_who_spent_their_last_credits_on_a_recap_gets_it_again_in_any_language_and_at_once()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var member = await api.MemberAsync(credits: RecapApiFactory.Price);
        var client = api.ClientFor(member);
        api.Summarizer.Delay = TimeSpan.FromMilliseconds(200);

        var racing = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => AskAsync(client, channel)));
        var hebrew = await AskAsync(client, channel, new { language = "he" });

        Assert.All(racing.Append(hebrew), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var bodies = await Task.WhenAll(racing.Append(hebrew).Select(r => r.ReadJsonAsync()));
        Assert.Single(bodies.Select(b => b["recapId"]!.GetValue<string>()).Distinct());
        Assert.Single(bodies, b => !b["cached"]!.GetValue<bool>());
        Assert.All(bodies, b => Assert.Equal(0, b["creditsRemaining"]!.GetValue<int>()));
        Assert.Single(await ChargesAsync(member.Id));
        Assert.Equal(0, await api.AssertInvariantAsync(member.Id));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("")]
    public async Task A_null_or_empty_json_body_takes_the_defaults(string json)
    {
        var channel = await api.ChannelWithBulletinAsync();
        var member = await api.MemberAsync();

        var response = await api.ClientFor(member).PostAsync(RecapSupport.Url(channel), new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Http.Ct);

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(api.WindowEnd.AddMinutes(-15), body["windowStart"]!.GetValue<DateTime>().ToUniversalTime());
    }

    [Fact]
    public async Task A_one_minute_window_needs_half_a_minute_of_speech()
    {
        var channel = await api.NewLiveChannelAsync();
        await api.FeedAsync(channel, api.WindowEnd.AddSeconds(-50), 29, "The storm reached the coast.");
        var member = await api.MemberAsync(credits: 100);

        var problem = await (await AskAsync(api.ClientFor(member), channel, new { windowMinutes = 1 })).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("at least 30", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await api.FeedAsync(channel, api.WindowEnd.AddSeconds(-21), 1, "Rain followed the storm.");

        var response = await AskAsync(api.ClientFor(member), channel, new { windowMinutes = 1 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(api.WindowEnd.AddMinutes(-1), (await response.ReadJsonAsync())["windowStart"]!.GetValue<DateTime>().ToUniversalTime());
    }

    [Fact]
    public async Task More_than_ten_asks_a_minute_are_refused_with_429()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var client = api.ClientFor(await api.MemberAsync(credits: 100));

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await AskAsync(client, channel)).StatusCode);
        }

        var refused = await AskAsync(client, channel);

        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task Asking_again_while_the_recap_lives_is_free_and_after_it_expires_costs_a_new_recap()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var member = await api.MemberAsync(credits: 100);
        var client = api.ClientFor(member);
        var first = await (await AskAsync(client, channel)).ReadJsonAsync();
        var calls = api.Summarizer.Calls;

        api.Clock.Advance(TimeSpan.FromMinutes(2));
        var again = await AskAsync(client, channel);

        var repeat = await again.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True(repeat["cached"]!.GetValue<bool>());
        Assert.Equal(0, repeat["creditsCharged"]!.GetValue<int>());
        Assert.Equal(100 - RecapApiFactory.Price, repeat["creditsRemaining"]!.GetValue<int>());
        Assert.Equal(first["recapId"]!.GetValue<string>(), repeat["recapId"]!.GetValue<string>());
        Assert.Equal(first["summary"]!.GetValue<string>(), repeat["summary"]!.GetValue<string>());
        Assert.Equal(calls, api.Summarizer.Calls);
        Assert.Single(await ChargesAsync(member.Id));

        api.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var later = await (await AskAsync(client, channel)).ReadJsonAsync();

        Assert.False(later["cached"]!.GetValue<bool>());
        Assert.Equal(RecapApiFactory.Price, later["creditsCharged"]!.GetValue<int>());
        Assert.Equal(100 - (2 * RecapApiFactory.Price), later["creditsRemaining"]!.GetValue<int>());
        Assert.NotEqual(first["recapId"]!.GetValue<string>(), later["recapId"]!.GetValue<string>());
        Assert.Equal(calls + 1, api.Summarizer.Calls);
        Assert.Equal(2, (await ChargesAsync(member.Id)).Count);
        Assert.Equal(100 - (2 * RecapApiFactory.Price), await api.AssertInvariantAsync(member.Id));
    }

    [Fact]
    public async Task Another_member_reuses_the_summary_and_pays_for_their_own_recap()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var first = await api.MemberAsync();
        var second = await api.MemberAsync();
        var mine = await (await AskAsync(api.ClientFor(first), channel)).ReadJsonAsync();
        var calls = api.Summarizer.Calls;

        api.Clock.Advance(TimeSpan.FromMinutes(2));
        var theirs = await (await AskAsync(api.ClientFor(second), channel)).ReadJsonAsync();

        Assert.Equal(calls, api.Summarizer.Calls);
        Assert.Equal(mine["summary"]!.GetValue<string>(), theirs["summary"]!.GetValue<string>());
        Assert.Equal(mine["windowEnd"]!.GetValue<DateTime>(), theirs["windowEnd"]!.GetValue<DateTime>());
        Assert.NotEqual(mine["recapId"]!.GetValue<string>(), theirs["recapId"]!.GetValue<string>());
        Assert.False(theirs["cached"]!.GetValue<bool>());
        Assert.Equal(RecapApiFactory.Price, theirs["creditsCharged"]!.GetValue<int>());
        Assert.Single(await ChargesAsync(second.Id));
    }

    [Fact]
    public async Task Fifty_members_asking_at_once_cause_one_summarization_and_each_pays_once()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var members = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => api.MemberAsync(credits: 20)));
        api.Summarizer.Delay = TimeSpan.FromMilliseconds(300);
        var calls = api.Summarizer.Calls;

        var responses = await Task.WhenAll(members.Select(m => AskAsync(api.ClientFor(m), channel)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(calls + 1, api.Summarizer.Calls);
        var bodies = await Task.WhenAll(responses.Select(r => r.ReadJsonAsync()));
        Assert.Single(bodies.Select(b => b["summary"]!.GetValue<string>()).Distinct());
        Assert.All(bodies, b => Assert.Equal(RecapApiFactory.Price, b["creditsCharged"]!.GetValue<int>()));
        Assert.Single(await Summaries.Find(new BsonDocument("channel_id", channel)).ToListAsync(Http.Ct));
        Assert.Equal(50, await Sessions.CountDocumentsAsync(new BsonDocument("channel_id", channel), cancellationToken: Http.Ct));
        foreach (var member in members)
        {
            Assert.Single(await ChargesAsync(member.Id));
            Assert.Equal(20 - RecapApiFactory.Price, await api.AssertInvariantAsync(member.Id));
        }
    }

    [Fact]
    public async Task Instances_share_one_summarization_through_the_database()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var instances = Enumerable.Range(0, 3).Select(_ => ActivatorUtilities.CreateInstance<SharedRecaps>(api.Services)).ToList();
        api.Summarizer.Delay = TimeSpan.FromMilliseconds(300);
        var calls = api.Summarizer.Calls;

        var summaries = await Task.WhenAll(instances.SelectMany(instance => Enumerable.Range(0, 5)
            .Select(_ => instance.GetAsync(new RecapRequest(channel, 15, "original"), Http.Ct))));

        Assert.Equal(calls + 1, api.Summarizer.Calls);
        Assert.Single(summaries.Select(s => s.Computation).Distinct());
        Assert.All(summaries, s => Assert.Equal(RecapSummaryStatus.Ready, s.Status));
    }

    [Fact]
    public async Task A_claim_another_instance_holds_is_awaited_and_one_it_left_to_lapse_is_taken_over()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var shared = ActivatorUtilities.CreateInstance<SharedRecaps>(api.Services);
        var calls = api.Summarizer.Calls;
        var held = ObjectId.GenerateNewId().ToString();
        await Summaries.InsertOneAsync(Claim(channel, held, RecapSummaryStatus.Pending, api.Now.AddSeconds(5)), cancellationToken: Http.Ct);

        var waiting = shared.GetAsync(new RecapRequest(channel, 15, "original"), Http.Ct);
        await Task.Delay(300, Http.Ct);
        Assert.False(waiting.IsCompleted);
        await Summaries.UpdateOneAsync(new BsonDocument("computation", held), new BsonDocument("$set", new BsonDocument
        {
            ["status"] = RecapSummaryStatus.Ready,
            ["summary"] = "Made by the other instance.",
            ["summary_language"] = "en",
            ["expires_at"] = api.Now.AddMinutes(3),
            ["purge_at"] = api.Now.AddMinutes(13),
        }), cancellationToken: Http.Ct);

        Assert.Equal("Made by the other instance.", (await waiting).Summary);
        Assert.Equal(calls, api.Summarizer.Calls);

        var other = await api.ChannelWithBulletinAsync();
        await Summaries.InsertOneAsync(Claim(other, ObjectId.GenerateNewId().ToString(), RecapSummaryStatus.Pending, api.Now.AddSeconds(-1)), cancellationToken: Http.Ct);

        var takenOver = await shared.GetAsync(new RecapRequest(other, 15, "original"), Http.Ct);

        Assert.Equal(calls + 1, api.Summarizer.Calls);
        Assert.Equal(RecapSummaryStatus.Ready, takenOver.Status);
        var stored = await Summaries.Find(new BsonDocument("channel_id", other)).SingleAsync(Http.Ct);
        Assert.Equal(takenOver.Computation, stored["computation"].AsString);
        Assert.Equal(RecapSummaryStatus.Ready, stored["status"].AsString);
    }

    /// <summary>A claim of the current window as another instance would have stored it.</summary>
    private BsonDocument Claim(string channel, string computation, string status, DateTime expiresAt) => new()
    {
        ["_id"] = $"{channel}:{api.WindowEnd:yyyyMMdd'T'HHmm}:15:original",
        ["computation"] = computation,
        ["channel_id"] = channel,
        ["window_minutes"] = 15,
        ["language"] = "original",
        ["window_start"] = api.WindowEnd.AddMinutes(-15),
        ["window_end"] = api.WindowEnd,
        ["status"] = status,
        ["key_points"] = new BsonArray(),
        ["transcript_length"] = 0,
        ["created_at"] = api.Now.AddSeconds(-20),
        ["expires_at"] = expiresAt,
        ["purge_at"] = expiresAt.AddMinutes(10),
    };

    [Fact]
    public async Task One_member_asking_five_times_at_once_pays_once_and_holds_one_recap()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var member = await api.MemberAsync(credits: 100);
        var client = api.ClientFor(member);
        api.Summarizer.Delay = TimeSpan.FromMilliseconds(200);
        var calls = api.Summarizer.Calls;

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => AskAsync(client, channel)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(r => r.ReadJsonAsync()));
        Assert.Equal(calls + 1, api.Summarizer.Calls);
        Assert.Single(bodies.Select(b => b["recapId"]!.GetValue<string>()).Distinct());
        Assert.Single(bodies, b => !b["cached"]!.GetValue<bool>());
        Assert.Equal(RecapApiFactory.Price, bodies.Sum(b => b["creditsCharged"]!.GetValue<int>()));
        Assert.All(bodies, b => Assert.Equal(100 - RecapApiFactory.Price, b["creditsRemaining"]!.GetValue<int>()));
        Assert.Single(await SessionsOfAsync(member.Id));
        Assert.Single(await ChargesAsync(member.Id));
        Assert.Equal(100 - RecapApiFactory.Price, await api.AssertInvariantAsync(member.Id));
    }

    [Fact]
    public async Task Less_than_a_minute_of_speech_in_the_window_is_a_422_that_charges_and_remembers_nothing()
    {
        var channel = await api.NewLiveChannelAsync();
        var end = api.WindowEnd;

        // 59 seconds inside the window: two overlapping segments count once, and speech before the
        // window or after its end does not count.
        await api.FeedAsync(channel, end.AddMinutes(-15).AddSeconds(-30), 40, "Mostly before the window.");
        await api.FeedAsync(channel, end.AddMinutes(-5), 40, "Forty seconds of news.");
        await api.FeedAsync(channel, end.AddMinutes(-5).AddSeconds(30), 19, "Overlapping for ten seconds, nine more.");
        await api.FeedAsync(channel, end.AddSeconds(1), 50, "After the end.");
        var member = await api.MemberAsync(credits: 100);
        var calls = api.Summarizer.Calls;

        var problem = await (await AskAsync(api.ClientFor(member), channel)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(RecapProblems.NotEnoughTranscript, problem["type"]!.GetValue<string>());
        Assert.Contains("59 seconds", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("60", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(calls, api.Summarizer.Calls);
        Assert.Empty(await ChargesAsync(member.Id));
        Assert.Empty(await SessionsOfAsync(member.Id));
        Assert.Empty(await Summaries.Find(new BsonDocument("channel_id", channel)).ToListAsync(Http.Ct));

        // One more second, and the same window is summarized at once.
        await api.FeedAsync(channel, end.AddMinutes(-2), 1, "One more second.");
        var response = await AskAsync(api.ClientFor(member), channel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(calls + 1, api.Summarizer.Calls);
    }

    [Fact]
    public async Task A_failing_summarizer_is_a_503_with_retry_after_that_charges_nothing_and_is_not_called_again_until_then()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var member = await api.MemberAsync(credits: 100);
        var client = api.ClientFor(member);
        api.Summarizer.Behaviour = (_, _, _) => throw new SummarizerFailedException("The model is down.");
        var calls = api.Summarizer.Calls;

        var failed = await AskAsync(client, channel);

        var problem = await failed.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(RecapProblems.Unavailable, problem["type"]!.GetValue<string>());
        Assert.DoesNotContain("model is down", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("7", failed.Headers.RetryAfter!.ToString());
        Assert.Equal(calls + 1, api.Summarizer.Calls);
        Assert.Empty(await ChargesAsync(member.Id));
        Assert.Empty(await SessionsOfAsync(member.Id));
        Assert.Equal(RecapSummaryStatus.Failed, (await Summaries.Find(new BsonDocument("channel_id", channel)).SingleAsync(Http.Ct))["status"].AsString);

        api.Clock.Advance(TimeSpan.FromSeconds(3));
        var soon = await AskAsync(api.ClientFor(await api.MemberAsync()), channel);
        await soon.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("4", soon.Headers.RetryAfter!.ToString());
        Assert.Equal(calls + 1, api.Summarizer.Calls);

        api.Summarizer.Behaviour = null;
        api.Clock.Advance(TimeSpan.FromSeconds(5));
        var recovered = await AskAsync(client, channel);

        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Equal(calls + 2, api.Summarizer.Calls);
        Assert.Single(await ChargesAsync(member.Id));
    }

    [Fact]
    public async Task A_summarizer_slower_than_the_timeout_is_a_503_that_charges_nothing()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var member = await api.MemberAsync(credits: 100);
        api.Summarizer.Behaviour = async (_, _, token) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            throw new InvalidOperationException("Unreachable: the delay only ends by cancellation.");
        };

        var response = await AskAsync(api.ClientFor(member), channel);

        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(RecapProblems.Unavailable, problem["type"]!.GetValue<string>());
        Assert.Contains("took too long", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("7", response.Headers.RetryAfter!.ToString());
        Assert.Empty(await ChargesAsync(member.Id));
        Assert.Empty(await SessionsOfAsync(member.Id));
    }

    [Fact]
    public async Task A_language_model_answer_in_the_language_asked_is_served_and_a_malformed_one_is_a_503()
    {
        var settings = new RecapsSettings();
        var channel = await api.ChannelWithBulletinAsync();
        var member = await api.MemberAsync(credits: 100);
        const string Answer = """{ "summary": "Una tormenta azotó la costa norte.", "keyPoints": ["Cortes de luz.", "Evacuaciones.", "Escuelas cerradas."] }""";
        api.Summarizer.Translates = true;
        api.Summarizer.Behaviour = (lines, language, token) =>
            new ChatClientSummarizer(new ChatClientSummarizerTests.FakeChatClient(Answer), settings).SummarizeAsync(lines, language, token);

        var response = await AskAsync(api.ClientFor(member), channel, new { language = "es" });

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Una tormenta azotó la costa norte.", body["summary"]!.GetValue<string>());
        Assert.Equal(["Cortes de luz.", "Evacuaciones.", "Escuelas cerradas."], body["keyPoints"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("es", body["language"]!.GetValue<string>());
        Assert.Equal("es", response.Content.Headers.ContentLanguage.Single());
        Assert.Equal("es", api.Summarizer.LastLanguage);

        api.Summarizer.Behaviour = (lines, language, token) =>
            new ChatClientSummarizer(new ChatClientSummarizerTests.FakeChatClient("""{ "summary": "Cut off", """), settings).SummarizeAsync(lines, language, token);
        var malformed = await AskAsync(api.ClientFor(member), channel, new { language = "he" });

        Assert.Equal(RecapProblems.Unavailable, (await malformed.AssertProblemAsync(HttpStatusCode.ServiceUnavailable))["type"]!.GetValue<string>());
        Assert.Single(await ChargesAsync(member.Id));
    }

    [Fact]
    public async Task Non_members_and_empty_balances_are_refused_before_any_summarization()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var calls = api.Summarizer.Calls;
        var user = await api.SignUpAsync();
        var former = await api.MemberAsync(credits: 100, active: false);
        var poor = await api.MemberAsync(credits: RecapApiFactory.Price - 1);

        var notMember = await (await AskAsync(api.ClientFor(user), channel)).AssertProblemAsync(HttpStatusCode.Forbidden);
        var inactive = await (await AskAsync(api.ClientFor(former), channel)).AssertProblemAsync(HttpStatusCode.Forbidden);
        var insufficient = await (await AskAsync(api.ClientFor(poor), channel)).AssertProblemAsync(HttpStatusCode.PaymentRequired);
        await (await AskAsync(api.CreateClient(), channel)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal(CreditProblems.NotMember, notMember["type"]!.GetValue<string>());
        Assert.Equal(CreditProblems.NotMember, inactive["type"]!.GetValue<string>());
        Assert.Equal(CreditProblems.InsufficientCredits, insufficient["type"]!.GetValue<string>());
        Assert.Contains($"costs {RecapApiFactory.Price} credits and the balance is {RecapApiFactory.Price - 1}", insufficient["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(calls, api.Summarizer.Calls);
        Assert.Empty(await Summaries.Find(new BsonDocument("channel_id", channel)).ToListAsync(Http.Ct));
        Assert.Equal(RecapApiFactory.Price - 1, await api.AssertInvariantAsync(poor.Id));
    }

    [Fact]
    public async Task Credits_spent_while_the_summary_was_made_leave_a_402_no_recap_and_the_summary_for_others()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var member = await api.MemberAsync(credits: RecapApiFactory.Price);
        api.Summarizer.Behaviour = async (lines, language, token) =>
        {
            // Another device of the member's spends the balance meanwhile.
            Assert.IsType<ChargeResult.Charged>(await api.Ledger().ChargeAsync(member.Id, "catchup", 1, "elsewhere", token));
            return ExtractiveSummarizer.Summarize(lines, language);
        };

        var response = await AskAsync(api.ClientFor(member), channel);

        Assert.Equal(CreditProblems.InsufficientCredits, (await response.AssertProblemAsync(HttpStatusCode.PaymentRequired))["type"]!.GetValue<string>());
        Assert.Empty(await SessionsOfAsync(member.Id));
        Assert.Single(await ChargesAsync(member.Id));
        Assert.Equal(0, await api.AssertInvariantAsync(member.Id));
        var summary = await Summaries.Find(new BsonDocument("channel_id", channel)).SingleAsync(Http.Ct);
        Assert.Equal(RecapSummaryStatus.Ready, summary["status"].AsString);
    }

    [Theory]
    [InlineData("""{ "windowMinutes": 0 }""", "windowMinutes")]
    [InlineData("""{ "windowMinutes": 31 }""", "windowMinutes")]
    [InlineData("""{ "language": "fr" }""", "language")]
    [InlineData("""{ "windowMinutes": 10, "channel": "x" }""", "channel")]
    public async Task Invalid_bodies_are_400s_naming_the_field(string json, string field)
    {
        var channel = await api.ChannelWithBulletinAsync();
        var member = await api.MemberAsync();
        var calls = api.Summarizer.Calls;

        var response = await api.ClientFor(member).PostAsync(RecapSupport.Url(channel), new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Http.Ct);

        await response.AssertValidationProblemAsync(field);
        Assert.Equal(calls, api.Summarizer.Calls);
        Assert.Empty(await ChargesAsync(member.Id));
    }

    [Fact]
    public async Task A_malformed_window_is_a_400_problem()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var member = await api.MemberAsync();

        var response = await api.ClientFor(member).PostAsync(RecapSupport.Url(channel), new StringContent("""{ "windowMinutes": "ten" }""", System.Text.Encoding.UTF8, "application/json"), Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await ChargesAsync(member.Id));
    }

    [Fact]
    public async Task Unknown_inactive_and_malformed_channels_are_404s()
    {
        var member = await api.MemberAsync();
        var client = api.ClientFor(member);
        var inactive = await api.NewLiveChannelAsync(active: false);

        await (await AskAsync(client, ObjectId.GenerateNewId().ToString())).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await AskAsync(client, inactive)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await AskAsync(client, "not-an-id")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(await ChargesAsync(member.Id));
    }

    [Fact]
    public async Task A_shorter_window_is_its_own_summary_of_its_own_lines()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var member = await api.MemberAsync();
        var calls = api.Summarizer.Calls;
        await (await AskAsync(api.ClientFor(member), channel)).ReadJsonAsync();

        var response = await AskAsync(api.ClientFor(member), channel, new { windowMinutes = 2, language = "en" });

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(calls + 2, api.Summarizer.Calls);
        Assert.Equal(api.WindowEnd.AddMinutes(-2), body["windowStart"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal(RecapSupport.Bulletin.Skip(3), api.Summarizer.LastTranscript.Select(l => l.Text));
        Assert.False(body["cached"]!.GetValue<bool>());
    }

    [Fact]
    public async Task My_recaps_lists_the_live_ones_newest_first_and_never_another_users()
    {
        var first = await api.ChannelWithBulletinAsync();
        var second = await api.ChannelWithBulletinAsync();
        var member = await api.MemberAsync();
        var other = await api.MemberAsync();
        var older = await (await AskAsync(api.ClientFor(member), first)).ReadJsonAsync();
        api.Clock.Advance(TimeSpan.FromSeconds(90));
        var newer = await (await AskAsync(api.ClientFor(member), second)).ReadJsonAsync();
        await AskAsync(api.ClientFor(other), first);

        var listed = (await (await api.ClientFor(member).GetAsync("/api/users/me/recaps", Http.Ct)).ReadJsonAsync())["items"]!.AsArray();

        Assert.Equal([newer["recapId"]!.GetValue<string>(), older["recapId"]!.GetValue<string>()], listed.Select(i => i!["recapId"]!.GetValue<string>()));
        var item = listed[0]!;
        Assert.Equal(second, item["channelId"]!.GetValue<string>());
        Assert.Equal(newer["summary"]!.GetValue<string>(), item["summary"]!.GetValue<string>());
        Assert.Equal(RecapApiFactory.Price, item["creditsCharged"]!.GetValue<int>());
        Assert.Equal(api.Now, item["createdAt"]!.GetValue<DateTime>().ToUniversalTime());

        api.Clock.Advance(TimeSpan.FromSeconds(91));
        var later = (await (await api.ClientFor(member).GetAsync("/api/users/me/recaps", Http.Ct)).ReadJsonAsync())["items"]!.AsArray();
        Assert.Equal([newer["recapId"]!.GetValue<string>()], later.Select(i => i!["recapId"]!.GetValue<string>()));
        await (await api.CreateClient().GetAsync("/api/users/me/recaps", Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Anonymizing_a_deleted_account_deletes_its_recaps_only()
    {
        var channel = await api.ChannelWithBulletinAsync();
        var member = await api.MemberAsync();
        var bystander = await api.MemberAsync();
        foreach (var asker in new[] { member, bystander })
        {
            Assert.Equal(HttpStatusCode.OK, (await AskAsync(api.ClientFor(asker), channel)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor(member).DeleteAsync("/api/users/me", Http.Ct)).StatusCode);
        await api.Raw("user").UpdateOneAsync(
            new BsonDocument("_id", ObjectId.Parse(member.Id)), new BsonDocument("$set", new BsonDocument("anonymize_after", api.Now.AddMinutes(-1))), cancellationToken: Http.Ct);

        await api.Services.GetRequiredService<AnonymizationJob>().RunOnceAsync(Http.Ct);

        Assert.Empty(await SessionsOfAsync(member.Id));
        Assert.Single(await SessionsOfAsync(bystander.Id));
    }

    [Fact]
    public async Task The_collections_have_the_schema_indexes_and_expire_at_expires_at()
    {
        var sessions = await (await Sessions.Indexes.ListAsync(Http.Ct)).ToListAsync(Http.Ct);
        Assert.Contains(sessions, i => i["key"].AsBsonDocument == new BsonDocument { ["user_id"] = 1, ["created_at"] = -1 });
        Assert.Contains(sessions, i => i["key"].AsBsonDocument == new BsonDocument { ["channel_id"] = 1, ["created_at"] = -1 });
        var ttl = Assert.Single(sessions, i => i.Contains("expireAfterSeconds"));
        Assert.Equal(new BsonDocument("expires_at", 1), ttl["key"].AsBsonDocument);
        Assert.Equal(0, ttl["expireAfterSeconds"].ToInt64());

        var summaries = await (await Summaries.Indexes.ListAsync(Http.Ct)).ToListAsync(Http.Ct);
        var summaryTtl = Assert.Single(summaries, i => i.Contains("expireAfterSeconds"));
        Assert.Equal(new BsonDocument("purge_at", 1), summaryTtl["key"].AsBsonDocument);
        Assert.Equal(0, summaryTtl["expireAfterSeconds"].ToInt64());
    }

    [Fact]
    public async Task The_document_describes_both_operations_their_errors_and_the_limits()
    {
        await api.AssertOperationAsync("/api/live/channels/{channelId}/recaps", "post", "CreateRecap", "200", "400", "401", "402", "403", "404", "422");
        await api.AssertOperationAsync("/api/users/me/recaps", "get", "ListMyRecaps", "200", "401");
        var document = await (await api.CreateClient().GetAsync("/openapi/v1.json", Http.Ct)).ReadJsonAsync();
        var request = document["components"]!["schemas"]!["CreateRecapRequest"]!["properties"]!;

        Assert.Equal(1, request["windowMinutes"]!["minimum"]!.GetValue<int>());
        Assert.Equal(30, request["windowMinutes"]!["maximum"]!.GetValue<int>());
        Assert.Equal(["en", "es", "he"], request["language"]!["enum"]!.AsArray().OfType<JsonNode>().Select(v => v.GetValue<string>()).Order(StringComparer.Ordinal));
        var operation = document["paths"]!["/api/live/channels/{channelId}/recaps"]!["post"]!;
        var body = operation["requestBody"]!;
        Assert.False(body["required"]?.GetValue<bool>() ?? false);
        Assert.Contains("#/components/schemas/CreateRecapRequest", body["content"]!["application/json"]!["schema"]!["oneOf"]!.AsArray().Select(s => s!["$ref"]?.GetValue<string>()));
        Assert.NotNull(operation["responses"]!["503"]!["headers"]?["Retry-After"]);
        Assert.Equal(["cached", "channelId", "creditsCharged", "creditsRemaining", "expiresAt", "keyPoints", "language", "recapId", "summary", "windowEnd", "windowStart"],
            ((JsonObject)document["components"]!["schemas"]!["RecapResponse"]!["properties"]!).Select(p => p.Key).Order(StringComparer.Ordinal));
    }
}
