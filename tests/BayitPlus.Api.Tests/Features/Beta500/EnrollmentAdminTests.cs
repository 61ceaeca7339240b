using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Credits;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Beta500;

/// <summary>Admins list, read, deactivate and reactivate members; nobody else may.</summary>
public sealed class EnrollmentAdminTests(ApiFactory api)
{
    private async Task<SignedInUser> EnrolledAsync(SignedInUser? user = null, string? ip = null)
    {
        user ??= await api.SignUpAsync();
        var response = await api.ClientFor(user).FromIp(ip ?? EnrollmentSupport.NewNetworkIp()).EnrollAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return user;
    }

    private static List<string> UserIds(JsonObject page) => [.. page["items"]!.AsArray().Select(m => m!["userId"]!.GetValue<string>())];

    [Fact]
    public async Task The_list_filters_by_score_flag_and_active_flag()
    {
        var (_, admin) = await api.SignedInClientAsync(Roles.Admin);
        var ordinary = await EnrolledAsync();
        var trusted = await EnrolledAsync(await api.TrustedUserAsync());
        var ip = EnrollmentSupport.NewNetworkIp();
        for (var i = 0; i < 3; i++)
        {
            await EnrolledAsync(await api.TrustedUserAsync(), ip);
        }

        var flagged = await EnrolledAsync(ip: ip);

        var scored = UserIds(await (await admin.GetAsync("/api/admin/beta/members?minFraudScore=0.25&maxFraudScore=0.35&limit=100", Http.Ct)).ReadJsonAsync());
        Assert.Contains(ordinary.Id, scored);
        Assert.DoesNotContain(trusted.Id, scored);
        Assert.DoesNotContain(flagged.Id, scored);
        var review = UserIds(await (await admin.GetAsync("/api/admin/beta/members?flagged=true&isActive=true&limit=100", Http.Ct)).ReadJsonAsync());
        Assert.Contains(flagged.Id, review);
        Assert.DoesNotContain(ordinary.Id, review);
        var inactive = UserIds(await (await admin.GetAsync("/api/admin/beta/members?isActive=false&limit=100", Http.Ct)).ReadJsonAsync());
        Assert.DoesNotContain(ordinary.Id, inactive);

        await (await admin.GetAsync("/api/admin/beta/members?minFraudScore=2&flagged=maybe&limit=0", Http.Ct))
            .AssertValidationProblemAsync("minFraudScore", "flagged", "limit");
    }

    [Fact]
    public async Task The_list_pages_newest_first_without_repeats()
    {
        var (_, admin) = await api.SignedInClientAsync(Roles.Admin);
        await EnrolledAsync();
        await EnrolledAsync();

        var first = await (await admin.GetAsync("/api/admin/beta/members?limit=1", Http.Ct)).ReadJsonAsync();
        var cursor = first["nextCursor"]!.GetValue<string>();
        var second = await (await admin.GetAsync($"/api/admin/beta/members?limit=1&cursor={cursor}", Http.Ct)).ReadJsonAsync();

        Assert.NotEqual(UserIds(first).Single(), UserIds(second).Single());
        Assert.True(first["items"]![0]!["enrolledAt"]!.GetValue<DateTime>() >= second["items"]![0]!["enrolledAt"]!.GetValue<DateTime>());
    }

    [Fact]
    public async Task A_member_shows_its_signals_and_score()
    {
        var (_, admin) = await api.SignedInClientAsync(Roles.Admin);
        var member = await EnrolledAsync();

        var detail = await (await admin.GetAsync($"/api/admin/beta/members/{member.Id}", Http.Ct)).ReadJsonAsync();
        var body = detail["member"]!;

        Assert.Equal(member.Id, body["userId"]!.GetValue<string>());
        Assert.Equal(member.Email, body["email"]!.GetValue<string>());
        Assert.Equal(0.3, body["fraudScore"]!.GetValue<double>());
        Assert.Equal(["new_account", "unverified_email"], body["fraudSignals"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.False(body["flaggedForReview"]!.GetValue<bool>());
        await (await admin.GetAsync($"/api/admin/beta/members/{ObjectId.GenerateNewId()}", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/admin/beta/members/not-an-id", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_member_shows_the_ledger_summed_and_whether_it_agrees_with_the_balance()
    {
        var (_, admin) = await api.SignedInClientAsync(Roles.Admin);
        var member = await EnrolledAsync();
        var charged = await api.Services.GetRequiredService<ICreditLedger>().ChargeAsync(member.Id, "ai_search", 3, "summary-test", Http.Ct);
        var charge = Assert.IsType<ChargeResult.Charged>(charged);

        var detail = await (await admin.GetAsync($"/api/admin/beta/members/{member.Id}", Http.Ct)).ReadJsonAsync();

        var granted = detail["member"]!["totalCreditsGranted"]!.GetValue<int>();
        Assert.Equal(granted - charge.Amount, detail["member"]!["creditsBalance"]!.GetValue<int>());
        var ledger = detail["ledger"]!;
        Assert.Equal(granted, ledger["granted"]!.GetValue<int>());
        Assert.Equal(charge.Amount, ledger["deducted"]!.GetValue<int>());
        Assert.Equal(0, ledger["refunded"]!.GetValue<int>());
        Assert.True(ledger["reconciled"]!.GetValue<bool>());

        // A balance changed behind the ledger's back is shown as not reconciled.
        await api.Database.GetCollection<BsonDocument>("betauser").UpdateOneAsync(
            new BsonDocument("user_id", member.Id), new BsonDocument("$inc", new BsonDocument("credits_balance", 1)), cancellationToken: Http.Ct);
        var tampered = await (await admin.GetAsync($"/api/admin/beta/members/{member.Id}", Http.Ct)).ReadJsonAsync();
        Assert.False(tampered["ledger"]!["reconciled"]!.GetValue<bool>());
        await api.Database.GetCollection<BsonDocument>("betauser").UpdateOneAsync(
            new BsonDocument("user_id", member.Id), new BsonDocument("$inc", new BsonDocument("credits_balance", -1)), cancellationToken: Http.Ct);
    }

    [Fact]
    public async Task Deactivation_and_reactivation_move_the_role_and_are_audited()
    {
        var (adminId, admin) = await api.SignedInClientAsync(Roles.Admin);
        var member = await EnrolledAsync();

        var deactivated = await (await admin.PostAsync($"/api/admin/beta/members/{member.Id}/deactivate", null, Http.Ct)).ReadJsonAsync();

        Assert.False(deactivated["isActive"]!.GetValue<bool>());
        Assert.Equal("deactivated", deactivated["endedReason"]!.GetValue<string>());
        Assert.Equal(5000, deactivated["creditsBalance"]!.GetValue<int>());
        Assert.Equal(Roles.User, await api.RoleAsync(member.Id));
        var audit = await api.Raw("auditlog").Find(new BsonDocument { ["action_type"] = "beta.member_deactivated", ["resource_id"] = member.Id }).SingleAsync(Http.Ct);
        Assert.Equal(adminId, audit["user_id"].AsString);
        await (await admin.PostAsync($"/api/admin/beta/members/{member.Id}/deactivate", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.Conflict);

        var reactivated = await (await admin.PostAsync($"/api/admin/beta/members/{member.Id}/reactivate", null, Http.Ct)).ReadJsonAsync();

        Assert.True(reactivated["isActive"]!.GetValue<bool>());
        Assert.Null(reactivated["endedReason"]);
        Assert.Equal(Roles.Beta, await api.RoleAsync(member.Id));
        Assert.Single(await api.Raw("auditlog").Find(new BsonDocument { ["action_type"] = "beta.member_reactivated", ["resource_id"] = member.Id }).ToListAsync(Http.Ct));
        await (await admin.PostAsync($"/api/admin/beta/members/{member.Id}/reactivate", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsync($"/api/admin/beta/members/{ObjectId.GenerateNewId()}/reactivate", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Only_admins_reach_the_admin_routes()
    {
        var member = await EnrolledAsync();
        var (_, user) = await api.SignedInClientAsync();
        var anonymous = api.CreateClient();
        string[] reads = ["/api/admin/beta/members", $"/api/admin/beta/members/{member.Id}"];
        string[] writes = [$"/api/admin/beta/members/{member.Id}/deactivate", $"/api/admin/beta/members/{member.Id}/reactivate"];

        foreach (var path in reads)
        {
            await (await user.GetAsync(path, Http.Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
            await (await anonymous.GetAsync(path, Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        foreach (var path in writes)
        {
            await (await user.PostAsync(path, null, Http.Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
            await (await anonymous.PostAsync(path, null, Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        Assert.True((await api.MemberAsync(member.Id))!["is_active"].AsBoolean);
    }
}
