using System.Net;
using BayitPlus.Api.Features.Beta500;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Credits;
using BayitPlus.Api.Tests.Features.Audit;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Beta500;

/// <summary>Enrollment on the shared host: what is stored, the fraud signals one at a time, the
/// thresholds, the membership and withdrawal.</summary>
public sealed class EnrollmentTests(ApiFactory api)
{
    private HttpClient From(SignedInUser user, string? ip = null) => api.ClientFor(user).FromIp(ip ?? EnrollmentSupport.NewNetworkIp());

    [Fact]
    public async Task An_ordinary_new_password_account_is_enrolled_with_its_grant_and_the_beta_role()
    {
        var user = await api.SignUpAsync();

        var response = await From(user).EnrollAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/beta/me", response.Headers.Location?.OriginalString);
        var body = await response.ReadJsonAsync();
        Assert.Equal(5000, body["creditsBalance"]!.GetValue<int>());
        Assert.Equal(5000, body["totalCreditsGranted"]!.GetValue<int>());
        Assert.True(body["isActive"]!.GetValue<bool>());
        Assert.False(body["lowBalance"]!.GetValue<bool>());
        var enrolledAt = body["enrolledAt"]!.GetValue<DateTime>();
        Assert.Equal(enrolledAt.AddDays(90), body["expiresAt"]!.GetValue<DateTime>());
        Assert.Null(body["fraudSignals"]);

        var member = (await api.MemberAsync(user.Id))!;
        Assert.Equal(user.Email, member["email"].AsString);
        Assert.Equal(5000, member["credits_balance"].AsInt32);
        Assert.Equal(5000, member["total_credits_granted"].AsInt32);
        Assert.True(member["is_active"].AsBoolean);
        Assert.Equal(0.3, member["fraud_score"].AsDouble);
        Assert.Equal([BetaFraudSignals.NewAccount, BetaFraudSignals.UnverifiedEmail], member.Signals());
        Assert.False(member["flagged_for_review"].AsBoolean);
        Assert.Matches("^[0-9a-f]{64}$", member["fingerprint_hash"].AsString);
        var ledger = await api.LedgerAsync(user.Id);
        var grant = Assert.Single(ledger);
        Assert.Equal("grant", grant["transaction_type"].AsString);
        Assert.Equal(5000, grant["amount"].AsInt32);
        Assert.Equal(5000, grant["balance_after"].AsInt32);
        Assert.Equal(Roles.Beta, await api.RoleAsync(user.Id));

        // The policies see the new role at once: the old token (role user) now passes the beta check.
        var me = await api.ClientFor(user).GetAsync("/api/beta/me", Http.Ct);
        Assert.Equal(5000, (await me.ReadJsonAsync())["creditsBalance"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_fingerprint_hash_is_canonical_and_includes_the_network()
    {
        var (a, b, c) = (await api.TrustedUserAsync(), await api.TrustedUserAsync(), await api.TrustedUserAsync());
        var ip = EnrollmentSupport.NewNetworkIp();
        var agent = $"Agent {Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Created, (await From(a, ip).EnrollAsync(EnrollmentSupport.Fingerprint(agent))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await From(b, EnrollmentSupport.NewNetworkIp()).EnrollAsync(EnrollmentSupport.Fingerprint(agent))).StatusCode);

        // Same device in other case and padding, another host of the same /24: the same fingerprint.
        var sameNetwork = ip[..ip.LastIndexOf('.')] + ".200";
        var blocked = await From(c, sameNetwork).EnrollAsync(EnrollmentSupport.Fingerprint($"  {agent.ToUpperInvariant()} "));
        await blocked.AssertProblemAsync(HttpStatusCode.Forbidden);
        var first = (await api.MemberAsync(a.Id))!;
        var second = (await api.MemberAsync(b.Id))!;
        Assert.NotEqual(first["fingerprint_hash"], second["fingerprint_hash"]);
        Assert.Equal(ip[..ip.LastIndexOf('.')] + ".0/24", first["network"].AsString);
    }

    [Theory]
    [InlineData("::ffff:198.51.{0}.77", "198.51.{0}.0/24")]
    [InlineData("2001:db8:{0:x}:1234::1", "2001:db8:{0:x}::/48")]
    public async Task The_network_is_the_ipv4_24_or_the_ipv6_48(string address, string network)
    {
        var n = Random.Shared.Next(0, 255);
        var user = await api.SignUpAsync();

        Assert.Equal(HttpStatusCode.Created, (await From(user, string.Format(System.Globalization.CultureInfo.InvariantCulture, address, n)).EnrollAsync()).StatusCode);

        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, network, n), (await api.MemberAsync(user.Id))!["network"].AsString);
    }

    [Fact]
    public async Task Unverified_email_alone_scores_its_weight()
    {
        var user = await api.SignUpAsync();
        await api.AgeAsync(user.Id, TimeSpan.FromDays(30));

        Assert.Equal(HttpStatusCode.Created, (await From(user).EnrollAsync()).StatusCode);

        var member = (await api.MemberAsync(user.Id))!;
        Assert.Equal([BetaFraudSignals.UnverifiedEmail], member.Signals());
        Assert.Equal(0.1, member["fraud_score"].AsDouble);
    }

    [Fact]
    public async Task New_account_alone_scores_its_weight()
    {
        var user = await api.SignUpAsync();
        await api.VerifyAsync(user.Id);

        Assert.Equal(HttpStatusCode.Created, (await From(user).EnrollAsync()).StatusCode);

        var member = (await api.MemberAsync(user.Id))!;
        Assert.Equal([BetaFraudSignals.NewAccount], member.Signals());
        Assert.Equal(0.2, member["fraud_score"].AsDouble);
    }

    [Fact]
    public async Task A_trusted_account_fires_no_signal()
    {
        var user = await api.TrustedUserAsync();

        Assert.Equal(HttpStatusCode.Created, (await From(user).EnrollAsync()).StatusCode);

        var member = (await api.MemberAsync(user.Id))!;
        Assert.Empty(member.Signals());
        Assert.Equal(0.0, member["fraud_score"].AsDouble);
    }

    [Fact]
    public async Task A_disposable_email_domain_alone_blocks_with_a_security_event()
    {
        var user = await api.TrustedUserAsync($"beta-{Guid.NewGuid():N}@mailinator.com");
        var ip = EnrollmentSupport.NewNetworkIp();

        var response = await From(user, ip).EnrollAsync();

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(EnrollmentProblems.EnrollmentBlocked, problem["type"]!.GetValue<string>());
        Assert.Null(await api.MemberAsync(user.Id));
        Assert.Empty(await api.LedgerAsync(user.Id));
        Assert.Equal(Roles.User, await api.RoleAsync(user.Id));
        var stored = Assert.Single(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "beta_enrollment_blocked", ["user_id"] = user.Id }));
        Assert.Equal(ip, stored["ip_address"].AsString);
        Assert.Equal(new BsonArray { BetaFraudSignals.DisposableEmail }, stored["details"]["signals"]);
        Assert.Equal(0.8, stored["details"]["fraud_score"].AsDouble);
    }

    [Fact]
    public async Task A_subdomain_of_a_disposable_domain_counts()
    {
        var user = await api.TrustedUserAsync($"beta-{Guid.NewGuid():N}@inbox.mailinator.com");

        await (await From(user).EnrollAsync()).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_fingerprint_shared_with_an_active_member_alone_blocks()
    {
        var (first, second) = (await api.TrustedUserAsync(), await api.TrustedUserAsync());
        var ip = EnrollmentSupport.NewNetworkIp();
        var device = EnrollmentSupport.Fingerprint();
        Assert.Equal(HttpStatusCode.Created, (await From(first, ip).EnrollAsync(device)).StatusCode);

        var response = await From(second, ip).EnrollAsync(device);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(EnrollmentProblems.EnrollmentBlocked, problem["type"]!.GetValue<string>());
        var stored = Assert.Single(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "beta_enrollment_blocked", ["user_id"] = second.Id }));
        Assert.Equal(new BsonArray { BetaFraudSignals.SharedFingerprint }, stored["details"]["signals"]);
    }

    [Fact]
    public async Task Ten_accounts_enrolling_from_one_device_at_once_let_only_one_in()
    {
        var users = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => api.TrustedUserAsync()));
        var ip = EnrollmentSupport.NewNetworkIp();
        var device = EnrollmentSupport.Fingerprint();

        var responses = await Task.WhenAll(users.Select(user => From(user, ip).EnrollAsync(device)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.Forbidden));
        var members = await api.Raw("betauser").Find(new BsonDocument("user_id", new BsonDocument("$in", new BsonArray(users.Select(u => u.Id))))).ToListAsync(Http.Ct);
        Assert.Single(members);
        Assert.Empty(members[0].Signals());
    }

    [Fact]
    public async Task A_fingerprint_shared_with_a_deactivated_member_still_blocks()
    {
        var (first, second) = (await api.TrustedUserAsync(), await api.TrustedUserAsync());
        var ip = EnrollmentSupport.NewNetworkIp();
        var device = EnrollmentSupport.Fingerprint();
        Assert.Equal(HttpStatusCode.Created, (await From(first, ip).EnrollAsync(device)).StatusCode);
        var (_, admin) = await api.SignedInClientAsync(Roles.Admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/admin/beta/members/{first.Id}/deactivate", null, Http.Ct)).StatusCode);

        var problem = await (await From(second, ip).EnrollAsync(device)).AssertProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal(EnrollmentProblems.EnrollmentBlocked, problem["type"]!.GetValue<string>());
        Assert.Null(await api.MemberAsync(second.Id));
    }

    [Fact]
    public async Task A_burst_from_one_network_alone_is_accepted_below_review()
    {
        var ip = EnrollmentSupport.NewNetworkIp();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await From(await api.TrustedUserAsync(), ip).EnrollAsync()).StatusCode);
        }

        var fourth = await api.TrustedUserAsync();
        Assert.Equal(HttpStatusCode.Created, (await From(fourth, ip).EnrollAsync()).StatusCode);

        var member = (await api.MemberAsync(fourth.Id))!;
        Assert.Equal([BetaFraudSignals.NetworkBurst], member.Signals());
        Assert.Equal(0.4, member["fraud_score"].AsDouble);
        Assert.False(member["flagged_for_review"].AsBoolean);
    }

    [Fact]
    public async Task A_new_password_account_in_a_burst_is_accepted_and_flagged_for_review()
    {
        var ip = EnrollmentSupport.NewNetworkIp();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await From(await api.TrustedUserAsync(), ip).EnrollAsync()).StatusCode);
        }

        var user = await api.SignUpAsync();
        Assert.Equal(HttpStatusCode.Created, (await From(user, ip).EnrollAsync()).StatusCode);

        var member = (await api.MemberAsync(user.Id))!;
        Assert.Equal([BetaFraudSignals.NetworkBurst, BetaFraudSignals.NewAccount, BetaFraudSignals.UnverifiedEmail], member.Signals());
        Assert.Equal(0.7, member["fraud_score"].AsDouble);
        Assert.True(member["flagged_for_review"].AsBoolean);
    }

    [Fact]
    public async Task Enrolling_twice_is_a_409_of_its_own_type()
    {
        var user = await api.SignUpAsync();
        Assert.Equal(HttpStatusCode.Created, (await From(user).EnrollAsync()).StatusCode);

        var problem = await (await From(user).EnrollAsync()).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(EnrollmentProblems.AlreadyEnrolled, problem["type"]!.GetValue<string>());
        Assert.Single(await api.LedgerAsync(user.Id));
    }

    [Fact]
    public async Task Fingerprint_traits_are_required_and_bounded()
    {
        var user = await api.SignUpAsync();

        await (await From(user).EnrollAsync(new { userAgent = new string('a', 513), platform = "", screen = "1x1", timezone = "UTC", language = "en\n" }))
            .AssertValidationProblemAsync("fingerprint.userAgent", "fingerprint.platform", "fingerprint.language");
        await (await api.ClientFor(user).PostJsonAsync("/api/beta/enrollment", new { })).AssertValidationProblemAsync("fingerprint");
        Assert.Null(await api.MemberAsync(user.Id));
    }

    [Fact]
    public async Task Anonymous_callers_cannot_enroll_or_read_a_membership_but_can_read_the_status()
    {
        var anonymous = api.CreateClient();

        await (await anonymous.EnrollAsync()).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync("/api/beta/me", Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.DeleteAsync("/api/beta/me", Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var status = await (await anonymous.GetAsync("/api/beta/status", Http.Ct)).ReadJsonAsync();
        Assert.Equal(500, status["totalSeats"]!.GetValue<int>());
        Assert.Equal(90, status["durationDays"]!.GetValue<int>());
        Assert.Equal(5000, status["creditsPerMember"]!.GetValue<int>());
        Assert.Equal(500 - status["filledSeats"]!.GetValue<int>(), status["availableSeats"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_non_member_has_no_membership()
    {
        var user = await api.SignUpAsync();

        var problem = await (await api.ClientFor(user).GetAsync("/api/beta/me", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(EnrollmentProblems.NotMember, problem["type"]!.GetValue<string>());
        await (await api.ClientFor(user).DeleteAsync("/api/beta/me", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Withdrawing_frees_the_seat_forfeits_the_credits_and_restores_the_role()
    {
        var user = await api.SignUpAsync();
        Assert.Equal(HttpStatusCode.Created, (await From(user).EnrollAsync()).StatusCode);

        var response = await api.ClientFor(user).DeleteAsync("/api/beta/me", Http.Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var member = (await api.MemberAsync(user.Id))!;
        Assert.False(member["is_active"].AsBoolean);
        Assert.Equal("withdrawn", member["ended_reason"].AsString);
        Assert.Equal(0, member["credits_balance"].AsInt32);
        var ledger = await api.LedgerAsync(user.Id);
        Assert.Equal(["grant", "deduct"], ledger.Select(t => t["transaction_type"].AsString));
        Assert.Equal(5000, ledger[1]["amount"].AsInt32);
        Assert.Equal(0, ledger[1]["balance_after"].AsInt32);
        Assert.Equal("withdrawn", ledger[1]["reason"].AsString);
        var granted = member["total_credits_granted"].AsInt32;
        var net = ledger.Sum(t => t["transaction_type"].AsString switch { "deduct" => -t["amount"].AsInt32, "refund" => t["amount"].AsInt32, _ => 0 });
        Assert.Equal(member["credits_balance"].AsInt32, granted + net);
        Assert.Equal(Roles.User, await api.RoleAsync(user.Id));
        var audit = await api.Raw("auditlog").Find(new BsonDocument { ["action_type"] = "beta.withdrawn", ["resource_id"] = user.Id }).ToListAsync(Http.Ct);
        Assert.Single(audit);

        var me = await (await api.ClientFor(user).GetAsync("/api/beta/me", Http.Ct)).ReadJsonAsync();
        Assert.False(me["isActive"]!.GetValue<bool>());
        Assert.Equal(0, me["creditsBalance"]!.GetValue<int>());
        await (await api.ClientFor(user).DeleteAsync("/api/beta/me", Http.Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        var again = await (await From(user).EnrollAsync()).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(EnrollmentProblems.AlreadyEnrolled, again["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Withdrawing_after_spending_leaves_a_ledger_whose_latest_entry_is_the_forfeit()
    {
        var user = await api.SignUpAsync();
        Assert.Equal(HttpStatusCode.Created, (await From(user).EnrollAsync()).StatusCode);
        Assert.IsType<ChargeResult.Charged>(await api.Ledger().ChargeAsync(user.Id, "ai_search", 1, "before-withdrawal-1", Http.Ct));
        Assert.IsType<ChargeResult.Charged>(await api.Ledger().ChargeAsync(user.Id, "ai_search", 1, "before-withdrawal-2", Http.Ct));

        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor(user).DeleteAsync("/api/beta/me", Http.Ct)).StatusCode);

        Assert.Equal(0, await api.AssertInvariantAsync(user.Id));
    }

    [Fact]
    public async Task An_admin_who_enrolls_and_withdraws_stays_admin()
    {
        var admin = await api.SignUpAsync(role: Roles.Admin);

        Assert.Equal(HttpStatusCode.Created, (await From(admin).EnrollAsync()).StatusCode);
        Assert.Equal(Roles.Admin, await api.RoleAsync(admin.Id));
        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor(admin).DeleteAsync("/api/beta/me", Http.Ct)).StatusCode);
        Assert.Equal(Roles.Admin, await api.RoleAsync(admin.Id));
    }
}
