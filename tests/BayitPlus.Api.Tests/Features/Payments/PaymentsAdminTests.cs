using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>The admins' payments endpoints: subscription and transaction lists, refunds through the
/// real Stripe provider against the fake Stripe, and revenue.</summary>
[Collection<PaymentsCollection>]
public sealed class PaymentsAdminTests(PaymentsApiFactory api)
{
    private const string Reason = "Customer was charged twice by mistake";

    private static string NewPlanId() => $"t{Guid.NewGuid():N}";

    private async Task<HttpClient> AdminAsync() => (await api.SignedInClientAsync(Roles.Admin)).Client;

    private static string[] Ids(JsonObject page) => [.. page.ItemsOf().Select(i => i!["id"]!.GetValue<string>())];

    private IReadOnlyList<StripeRequest> RefundsOf(string paymentIntent) => api.Stripe.RequestsTo("POST", "/v1/refunds", "payment_intent", paymentIntent);

    [Fact]
    public async Task Subscriptions_are_listed_newest_first_filtered_and_paged()
    {
        var admin = await AdminAsync();
        var plan = NewPlanId();
        var now = api.ClockNow();
        var user = await api.SignUpAsync();
        var oldest = await api.SeedSubscriptionAsync(user.Id, plan, "expired", createdAt: now.AddDays(-3));
        var middle = await api.SeedSubscriptionAsync(user.Id, plan, "canceled", createdAt: now.AddDays(-2), provider: "paypal");
        var newest = await api.SeedSubscriptionAsync(user.Id, plan, "active", createdAt: now.AddDays(-1), providerSubscriptionId: "sub_listed");

        var all = await (await admin.GetAsync($"/api/admin/subscriptions?planId={plan}", Http.Ct)).ReadAsync<JsonObject>();
        Assert.Equal([newest, middle, oldest], Ids(all));
        var first = all.ItemsOf()[0]!;
        Assert.Equal(user.Id, first["userId"]!.GetValue<string>());
        Assert.Equal("sub_listed", first["providerSubscriptionId"]!.GetValue<string>());
        Assert.Equal(14.99m, first["amount"]!.GetValue<decimal>());
        Assert.Equal("stripe", first["provider"]!.GetValue<string>());
        Assert.Equal([middle], Ids(await (await admin.GetAsync($"/api/admin/subscriptions?planId={plan}&provider=paypal", Http.Ct)).ReadAsync<JsonObject>()));
        Assert.Equal([oldest], Ids(await (await admin.GetAsync($"/api/admin/subscriptions?planId={plan}&status=expired", Http.Ct)).ReadAsync<JsonObject>()));

        var page1 = await (await admin.GetAsync($"/api/admin/subscriptions?planId={plan}&limit=2", Http.Ct)).ReadAsync<JsonObject>();
        Assert.Equal([newest, middle], Ids(page1));
        var cursor = page1["nextCursor"]!.GetValue<string>();
        var page2 = await (await admin.GetAsync($"/api/admin/subscriptions?planId={plan}&limit=2&cursor={Uri.EscapeDataString(cursor)}", Http.Ct)).ReadAsync<JsonObject>();
        Assert.Equal([oldest], Ids(page2));
        Assert.Null(page2["nextCursor"]);
    }

    [Theory]
    [InlineData("/api/admin/subscriptions?status=trialing", "status")]
    [InlineData("/api/admin/subscriptions?provider=bitcoin", "provider")]
    [InlineData("/api/admin/subscriptions?planId=Not%20A%20Plan", "planId")]
    [InlineData("/api/admin/subscriptions?limit=0&cursor=abc", "limit,cursor")]
    [InlineData("/api/admin/transactions?userId=123&type=charge&status=ok", "userId,type,status")]
    [InlineData("/api/admin/transactions?from=2026-03-02&to=2026-03-01", "from")]
    [InlineData("/api/admin/transactions?from=yesterday", "from")]
    [InlineData("/api/admin/payments/revenue?to=soon", "to")]
    public async Task Malformed_filters_are_400_naming_them(string url, string fields)
    {
        var admin = await AdminAsync();

        await (await admin.GetAsync(url, Http.Ct)).AssertValidationProblemAsync(fields.Split(','));
    }

    [Theory]
    [InlineData("GET", "/api/admin/subscriptions")]
    [InlineData("GET", "/api/admin/transactions")]
    [InlineData("GET", "/api/admin/payments/revenue")]
    [InlineData("POST", "/api/admin/transactions/0123456789abcdef01234567/refund")]
    public async Task Only_admins_reach_the_payments_admin(string method, string url)
    {
        var (_, user) = await api.SignedInClientAsync();
        using var anonymous = new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent(new { reason = Reason }) };
        using var signedIn = new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent(new { reason = Reason }) };

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.CreateClient().SendAsync(anonymous, Http.Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.SendAsync(signedIn, Http.Ct)).StatusCode);
    }

    private static System.Net.Http.Json.JsonContent JsonContent(object body) => System.Net.Http.Json.JsonContent.Create(body, options: Http.Json);

    [Fact]
    public async Task Transactions_are_filtered_by_user_type_status_and_time()
    {
        var admin = await AdminAsync();
        var user = await api.SignUpAsync();
        var t0 = api.ClockNow().AddDays(-5);
        var payment = await api.SeedTransactionAsync(user.Id, createdAt: t0, providerTransactionId: "pi_listed");
        var refund = await api.SeedTransactionAsync(user.Id, "refund", 5, createdAt: t0.AddHours(1), refundOf: "pi_listed");
        var failed = await api.SeedTransactionAsync(user.Id, status: "failed", createdAt: t0.AddHours(2), provider: "paypal");
        await api.SeedTransactionAsync((await api.SignUpAsync()).Id, createdAt: t0);

        string Url(string query) => $"/api/admin/transactions?userId={user.Id}{query}";
        Assert.Equal([failed, refund, payment], Ids(await (await admin.GetAsync(Url(""), Http.Ct)).ReadAsync<JsonObject>()));
        Assert.Equal([refund], Ids(await (await admin.GetAsync(Url("&type=refund"), Http.Ct)).ReadAsync<JsonObject>()));
        Assert.Equal([failed], Ids(await (await admin.GetAsync(Url("&status=failed"), Http.Ct)).ReadAsync<JsonObject>()));
        Assert.Equal([failed], Ids(await (await admin.GetAsync(Url("&provider=paypal"), Http.Ct)).ReadAsync<JsonObject>()));
        var from = Uri.EscapeDataString(t0.AddMinutes(30).ToString("O"));
        var to = Uri.EscapeDataString(t0.AddHours(1).ToString("O"));
        var ranged = await (await admin.GetAsync(Url($"&from={from}&to={to}"), Http.Ct)).ReadAsync<JsonObject>();
        Assert.Equal([refund], Ids(ranged));
        var item = ranged.ItemsOf()[0]!;
        Assert.Equal("refund", item["transactionType"]!.GetValue<string>());
        Assert.Equal("pi_listed", item["refundOf"]!.GetValue<string>());
        Assert.Equal(5m, item["amount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task A_partial_then_a_full_refund_go_to_stripe_and_then_nothing_is_left()
    {
        var admin = await AdminAsync();
        var user = await api.SignUpAsync();
        var intent = StripePayloads.NewId("pi");
        var payment = await api.SeedTransactionAsync(user.Id, amount: 14.99, providerTransactionId: intent);

        var partial = await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { amount = 5.00, reason = Reason })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);

        Assert.Equal(payment, partial["transactionId"]!.GetValue<string>());
        Assert.StartsWith("re_", partial["providerRefundId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("succeeded", partial["status"]!.GetValue<string>());
        Assert.Equal(5m, partial["amount"]!.GetValue<decimal>());
        Assert.Equal("USD", partial["currency"]!.GetValue<string>());
        var call = Assert.Single(RefundsOf(intent));
        Assert.Equal("500", call["amount"]);
        Assert.Equal(Reason, call["metadata[reason]"]);
        var audit = Assert.Single(await api.AuditAsync("payment.refund_requested", payment));
        Assert.Equal(partial["providerRefundId"]!.GetValue<string>(), audit["changes"]["after"]["requests"][0]["provider_refund_id"].AsString);

        await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { amount = 10.00, reason = Reason })).AssertProblemAsync(HttpStatusCode.Conflict);
        var rest = await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { reason = Reason })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);
        Assert.Equal(9.99m, rest["amount"]!.GetValue<decimal>());
        Assert.Equal(["500", "999"], RefundsOf(intent).Select(r => r["amount"]));
        var full = await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { reason = Reason })).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("in full", full["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, RefundsOf(intent).Count);
    }

    [Fact]
    public async Task What_stripe_already_reported_refunded_is_not_refundable_again()
    {
        var admin = await AdminAsync();
        var user = await api.SignUpAsync();
        var intent = StripePayloads.NewId("pi");
        var payment = await api.SeedTransactionAsync(user.Id, amount: 20, providerTransactionId: intent, amountRefunded: 15);

        await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { amount = 5.01, reason = Reason })).AssertProblemAsync(HttpStatusCode.Conflict);
        var rest = await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { reason = Reason })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);

        Assert.Equal(5m, rest["amount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Parallel_refunds_of_one_payment_never_ask_for_more_than_it()
    {
        var admin = await AdminAsync();
        var user = await api.SignUpAsync();
        var intent = StripePayloads.NewId("pi");
        var payment = await api.SeedTransactionAsync(user.Id, amount: 20, providerTransactionId: intent);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { amount = 5, reason = Reason })));

        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(6, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(2000, RefundsOf(intent).Sum(r => long.Parse(r["amount"]!, System.Globalization.CultureInfo.InvariantCulture)));
        var requests = await api.Raw("paymentrefundrequest").Find(new BsonDocument("_id", ObjectId.Parse(payment))).SingleAsync(Http.Ct);
        Assert.Equal(20, requests["requested"].ToDouble());
        Assert.Equal(4, requests["requests"].AsBsonArray.Count);
    }

    [Fact]
    public async Task A_stripe_failure_releases_the_reservation()
    {
        var admin = await AdminAsync();
        var user = await api.SignUpAsync();
        var intent = StripePayloads.NewId("pi");
        var payment = await api.SeedTransactionAsync(user.Id, amount: 9.99, providerTransactionId: intent);
        api.Stripe.FailNext(500);

        await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { reason = Reason })).AssertProblemAsync(HttpStatusCode.BadGateway);
        Assert.Empty(await api.AuditAsync("payment.refund_requested", payment));

        var retried = await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { reason = Reason })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);
        Assert.Equal(9.99m, retried["amount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Refunds_of_unknown_or_non_payment_transactions_and_bad_bodies_are_refused()
    {
        var admin = await AdminAsync();
        var user = await api.SignUpAsync();
        var refund = await api.SeedTransactionAsync(user.Id, "refund", 5);
        var failed = await api.SeedTransactionAsync(user.Id, status: "failed");
        var payment = await api.SeedTransactionAsync(user.Id);

        await (await admin.PostJsonAsync($"/api/admin/transactions/{ObjectId.GenerateNewId()}/refund", new { reason = Reason })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostJsonAsync("/api/admin/transactions/not-an-id/refund", new { reason = Reason })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostJsonAsync($"/api/admin/transactions/{refund}/refund", new { reason = Reason })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostJsonAsync($"/api/admin/transactions/{failed}/refund", new { reason = Reason })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { reason = "too short" })).AssertValidationProblemAsync("reason");
        await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { reason = new string('x', 501) })).AssertValidationProblemAsync("reason");
        await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { amount = -1, reason = Reason })).AssertValidationProblemAsync("amount");
        await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { amount = 1.234, reason = Reason })).AssertValidationProblemAsync("amount");
        await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { reason = Reason, userId = user.Id })).AssertValidationProblemAsync("userId");
        Assert.Equal(0, await api.Raw("paymentrefundrequest").CountDocumentsAsync(new BsonDocument("_id", ObjectId.Parse(payment)), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task Revenue_is_payments_minus_refunds_per_plan_month_and_currency()
    {
        var admin = await AdminAsync();
        var plan = NewPlanId();
        var user = await api.SignUpAsync();
        var january = new DateTime(2001, 1, 15, 12, 0, 0, DateTimeKind.Utc);
        await api.SeedTransactionAsync(user.Id, amount: 10, planId: plan, createdAt: january, providerTransactionId: $"pi_{plan}");
        await api.SeedTransactionAsync(user.Id, amount: 20.5, planId: plan, createdAt: january.AddDays(1));
        await api.SeedTransactionAsync(user.Id, amount: 34.9, currency: "ILS", planId: plan, createdAt: january.AddDays(2));
        await api.SeedTransactionAsync(user.Id, amount: 99, planId: plan, createdAt: january.AddDays(3), status: "failed");
        // A refund in February of a January payment, naming no plan: counted under the payment's plan.
        await api.SeedTransactionAsync(user.Id, "refund", 4.25, planId: null, createdAt: january.AddMonths(1), refundOf: $"pi_{plan}");

        var revenue = await (await admin.GetAsync("/api/admin/payments/revenue?from=2001-01-01&to=2001-12-31T23:59:59Z", Http.Ct)).ReadAsync<JsonObject>();

        var rows = revenue.ItemsOf().Where(r => r!["planId"]?.GetValue<string>() == plan).Select(r => r!.AsObject()).ToList();
        Assert.Equal(["2001-01 ILS", "2001-01 USD", "2001-02 USD"], rows.Select(r => $"{r["month"]} {r["currency"]}"));
        Assert.Equal(34.9m, rows[0]["payments"]!.GetValue<decimal>());
        Assert.Equal(30.5m, rows[1]["payments"]!.GetValue<decimal>());
        Assert.Equal(0m, rows[1]["refunds"]!.GetValue<decimal>());
        Assert.Equal(2, rows[1]["paymentCount"]!.GetValue<int>());
        Assert.Equal(0m, rows[2]["payments"]!.GetValue<decimal>());
        Assert.Equal(4.25m, rows[2]["refunds"]!.GetValue<decimal>());
        Assert.Equal(-4.25m, rows[2]["net"]!.GetValue<decimal>());
        Assert.Equal(1, rows[2]["refundCount"]!.GetValue<int>());

        var january2001 = await (await admin.GetAsync("/api/admin/payments/revenue?from=2001-01-01&to=2001-01-31", Http.Ct)).ReadAsync<JsonObject>();
        Assert.Equal(2, january2001.ItemsOf().Count(r => r!["planId"]?.GetValue<string>() == plan));
    }
}
