using System.Net;
using BayitPlus.Api.Features.Beta500;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Beta500;

[Collection<FakeClockCollection>]
public sealed class CreditLedgerSessionTests(FakeClockApiFactory api)
{
    private static async Task<string> StartAsync(HttpClient client, string feature = "live_dubbing")
    {
        var response = await client.PostJsonAsync("/api/beta/sessions", new { feature });
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return body["sessionId"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_checkpoint_charges_the_whole_seconds_since_the_previous_one()
    {
        var member = await api.MemberAsync(1_000);
        var client = api.ClientFor(member);
        var id = await StartAsync(client);

        api.Clock.Advance(TimeSpan.FromSeconds(10.6));
        var first = await (await client.PostAsync($"/api/beta/sessions/{id}/checkpoint", null, Http.Ct)).ReadJsonAsync();
        api.Clock.Advance(TimeSpan.FromSeconds(5.5));
        var ended = await (await client.PostAsync($"/api/beta/sessions/{id}/end", null, Http.Ct)).ReadJsonAsync();

        Assert.Equal(10, first["secondsCharged"]!.GetValue<int>());
        Assert.Equal(16, ended["secondsCharged"]!.GetValue<int>());
        Assert.Equal("ended", ended["status"]!.GetValue<string>());
        Assert.Equal("ended", ended["endedReason"]!.GetValue<string>());
        var stored = await api.StoredMemberAsync(member.Id);
        Assert.Equal(984, stored["credits_balance"].ToInt32());
        Assert.True(stored.Contains("session_checkpoint"));
        Assert.Equal(984, await api.AssertInvariantAsync(member.Id));
        await (await client.PostAsync($"/api/beta/sessions/{id}/checkpoint", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Running_out_charges_what_is_left_ends_the_session_and_answers_402()
    {
        var member = await api.MemberAsync(7);
        var client = api.ClientFor(member);
        var id = await StartAsync(client, "smart_subtitles");

        api.Clock.Advance(TimeSpan.FromSeconds(30));
        var response = await client.PostAsync($"/api/beta/sessions/{id}/checkpoint", null, Http.Ct);

        var exhausted = await response.AssertProblemAsync(HttpStatusCode.PaymentRequired);
        Assert.Equal(EnrollmentProblems.InsufficientCredits, exhausted["type"]!.GetValue<string>());
        var session = await (await client.GetAsync($"/api/beta/sessions/{id}", Http.Ct)).ReadJsonAsync();
        Assert.Equal("credits_exhausted", session["endedReason"]!.GetValue<string>());
        Assert.Equal(7, session["secondsCharged"]!.GetValue<int>());
        Assert.Equal(0, await api.AssertInvariantAsync(member.Id));
        await (await client.PostJsonAsync("/api/beta/sessions", new { feature = "live_dubbing" })).AssertProblemAsync(HttpStatusCode.PaymentRequired);
    }

    [Fact]
    public async Task Idle_sessions_end_without_charging_past_their_last_checkpoint()
    {
        var member = await api.MemberAsync(1_000);
        var client = api.ClientFor(member);
        var id = await StartAsync(client);
        api.Clock.Advance(TimeSpan.FromSeconds(20));
        await client.PostAsync($"/api/beta/sessions/{id}/checkpoint", null, Http.Ct);

        api.Clock.Advance(TimeSpan.FromMinutes(6));
        await api.Services.GetRequiredService<MeteredSessionTimeoutJob>().RunOnceAsync(Http.Ct);

        var stored = await api.Database.GetCollection<BsonDocument>("betameteredsession").Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct);
        Assert.Equal("timeout", stored["ended_reason"].AsString);
        Assert.Equal(980, await api.AssertInvariantAsync(member.Id));
        await (await client.PostAsync($"/api/beta/sessions/{id}/checkpoint", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_checkpoint_after_the_timeout_ends_the_session_as_the_job_would_without_charging_the_gap()
    {
        var member = await api.MemberAsync(1_000);
        var client = api.ClientFor(member);
        var id = await StartAsync(client);
        api.Clock.Advance(TimeSpan.FromSeconds(20));
        await client.PostAsync($"/api/beta/sessions/{id}/checkpoint", null, Http.Ct);

        // Idle past Beta:SessionTimeout (5 min) before the job has run.
        api.Clock.Advance(TimeSpan.FromMinutes(6));
        await (await client.PostAsync($"/api/beta/sessions/{id}/checkpoint", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.Conflict);

        var session = await (await client.GetAsync($"/api/beta/sessions/{id}", Http.Ct)).ReadJsonAsync();
        Assert.Equal("timeout", session["endedReason"]!.GetValue<string>());
        Assert.Equal(20, session["secondsCharged"]!.GetValue<int>());
        Assert.Equal(980, await api.AssertInvariantAsync(member.Id));
    }

    [Fact]
    public async Task A_session_of_a_membership_that_ended_stops_at_once_with_a_typed_403()
    {
        var member = await api.MemberAsync(1_000);
        var client = api.ClientFor(member);
        var id = await StartAsync(client);
        // Withdrawn through the API, which frees the seat: the expiry test on this shared host checks
        // the seat counter against the active members.
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/beta/me", Http.Ct)).StatusCode);

        var problem = await (await client.PostAsync($"/api/beta/sessions/{id}/checkpoint", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal(EnrollmentProblems.NotMember, problem["type"]!.GetValue<string>());
        var session = await (await client.GetAsync($"/api/beta/sessions/{id}", Http.Ct)).ReadJsonAsync();
        Assert.Equal("membership_ended", session["endedReason"]!.GetValue<string>());
        Assert.Equal(0, session["secondsCharged"]!.GetValue<int>());
    }

    [Fact]
    public async Task Sessions_are_for_members_and_per_second_features_and_another_users_is_a_404()
    {
        var member = await api.MemberAsync(1_000);
        var other = await api.MemberAsync(1_000);
        var stranger = await api.SignUpAsync();
        var id = await StartAsync(api.ClientFor(member));

        await (await api.ClientFor(stranger).PostJsonAsync("/api/beta/sessions", new { feature = "live_dubbing" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await api.ClientFor(member).PostJsonAsync("/api/beta/sessions", new { feature = "ai_search" })).AssertValidationProblemAsync("feature");
        await (await api.ClientFor(other).PostAsync($"/api/beta/sessions/{id}/checkpoint", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await api.ClientFor(other).PostAsync($"/api/beta/sessions/{id}/end", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await api.ClientFor(other).GetAsync($"/api/beta/sessions/{id}", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
