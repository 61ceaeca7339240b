extern alias api;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using api::BayitPlus.Api.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Benchmarks;

/// <summary>
/// The payment webhook under load (<c>webhooks</c> mode): the whole API (its HTTP pipeline, the
/// Stripe.net signature check, the audited transaction per event) in process, on the benchmark's
/// database. Each customer's Stripe events (checkout completed, subscription created, first invoice
/// paid) are signed and delivered <c>copies</c> times, the copies by different clients at once, as
/// Stripe's redeliveries race each other; an event that arrives before the subscription it names is
/// answered 409 and delivered again, as Stripe would. Afterwards the stored subscriptions, payments,
/// markers and audit records are counted: any duplicate effect fails the run.
/// </summary>
internal static class WebhookBenchmark
{
    private const string WebhookSecret = "whsec_benchmark_0123456789abcdef";
    private static readonly TimeSpan EarlyRetryDelay = TimeSpan.FromMilliseconds(20);

    public static async Task<IReadOnlyList<Result>> RunAsync(string connectionString, IMongoClient client, string databaseName, int clients, int customers, int copies)
    {
        // Warm-up in a database of its own, so the measured run starts from an empty one.
        var warmupName = $"{databaseName}_warmup";
        try
        {
            await using var warmup = Host(connectionString, warmupName);
            await DeliverAllAsync(warmup, client.GetDatabase(warmupName), clients, 50, copies);
        }
        finally
        {
            await client.DropDatabaseAsync(warmupName);
        }

        await using var host = Host(connectionString, databaseName);
        var run = await DeliverAllAsync(host, client.GetDatabase(databaseName), clients, customers, copies);
        await VerifyAsync(client.GetDatabase(databaseName), run.Customers);
        var sorted = run.Micros.Order().ToArray();
        return
        [
            new Result($"signed webhook deliveries, {clients} clients, each event ×{copies} ({run.Duplicates:N0} duplicates, {run.Early:N0} early 409s redelivered)", 0,
                sorted.Length, sorted.Length / run.Elapsed.TotalSeconds, sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)]),
        ];
    }

    private sealed record Customer(string UserId, string SubscriptionId, string CustomerId, string PaymentIntentId, string[] Events);

    private sealed record Run(Customer[] Customers, ConcurrentBag<double> Micros, int Duplicates, int Early, TimeSpan Elapsed);

    private static async Task<Run> DeliverAllAsync(BenchmarkApiHost host, IMongoDatabase database, int clients, int count, int copies)
    {
        var now = DateTimeOffset.UtcNow;
        var customers = Enumerable.Range(0, count).Select(_ => NewCustomer(now)).ToArray();
        await BenchmarkAccounts.StoreAsync(database, customers.Select(c => ObjectId.Parse(c.UserId)), "Benchmark customer", now.UtcDateTime);
        await Task.WhenAll(host.Services.GetRequiredService<ReadinessGates>().Gates.Select(g => g.Settled)).WaitAsync(TimeSpan.FromMinutes(1));

        // Copy j of customer c goes to client (c·copies + j) mod clients: a customer's copies race on different clients.
        var queues = Enumerable.Range(0, clients).Select(_ => new List<string[]>()).ToArray();
        for (var c = 0; c < customers.Length; c++)
        {
            for (var j = 0; j < copies; j++)
            {
                queues[((c * copies) + j) % clients].Add(customers[c].Events);
            }
        }

        var micros = new ConcurrentBag<double>();
        var duplicates = 0;
        var early = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(queues.Select(queue => Task.Run(async () =>
        {
            using var http = host.CreateClient();
            foreach (var sequence in queue)
            {
                foreach (var payload in sequence)
                {
                    while (true)
                    {
                        var started = Stopwatch.GetTimestamp();
                        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/webhooks/stripe") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
                        request.Headers.TryAddWithoutValidation("Stripe-Signature", Sign(payload, DateTimeOffset.UtcNow));
                        using var response = await http.SendAsync(request);
                        var body = await response.Content.ReadAsStringAsync();
                        if (response.StatusCode == HttpStatusCode.Conflict)
                        {
                            Interlocked.Increment(ref early);
                            await Task.Delay(EarlyRetryDelay);
                            continue;
                        }

                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            throw new InvalidOperationException($"A delivery was answered {(int)response.StatusCode}: {body}");
                        }

                        micros.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                        if (JsonNode.Parse(body)!["duplicate"]!.GetValue<bool>())
                        {
                            Interlocked.Increment(ref duplicates);
                        }

                        break;
                    }
                }
            }
        })));
        return new Run(customers, micros, duplicates, early, clock.Elapsed);
    }

    /// <summary>Fails the run unless each customer has exactly one subscription, one payment, one
    /// marker per event and one audit record per event, and the plan was granted.</summary>
    private static async Task VerifyAsync(IMongoDatabase database, Customer[] customers)
    {
        var events = customers.Length * customers[0].Events.Length;
        var subscriptions = await database.GetCollection<BsonDocument>("subscription").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty);
        var payments = await database.GetCollection<BsonDocument>("transaction").Find(new BsonDocument("transaction_type", "payment"))
            .Project(new BsonDocument("provider_transaction_id", 1)).ToListAsync();
        var distinctPayments = payments.Select(p => p["provider_transaction_id"].AsString).Distinct().Count();
        var markers = await database.GetCollection<BsonDocument>("paymentwebhookevent").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty);
        var audit = await database.GetCollection<BsonDocument>("auditlog").CountDocumentsAsync(new BsonDocument("action_type", new BsonDocument("$regex", "^payment\\.")));
        var granted = await database.GetCollection<BsonDocument>("user").CountDocumentsAsync(new BsonDocument("subscription_tier", "basic"));
        Require(subscriptions == customers.Length, $"Expected {customers.Length} subscriptions, found {subscriptions}.");
        Require(payments.Count == customers.Length && distinctPayments == customers.Length,
            $"Expected {customers.Length} payment transactions (one per invoice.paid), found {payments.Count} ({distinctPayments} distinct).");
        Require(markers == events, $"Expected {events} processed-event markers, found {markers}.");
        Require(audit == events, $"Expected {events} audit records, found {audit}.");
        Require(granted == customers.Length, $"Expected {customers.Length} accounts on the basic tier, found {granted}.");
        Console.WriteLine($"Webhooks verified: {events} events applied once each ({markers} markers, {audit} audit records), {subscriptions} subscriptions, " +
            $"{payments.Count} payment transactions for {distinctPayments} distinct payments, {granted} tiers granted.");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }

    private static Customer NewCustomer(DateTimeOffset now)
    {
        var userId = ObjectId.GenerateNewId().ToString();
        var subscriptionId = $"sub_bench_{Guid.NewGuid():N}";
        var customerId = $"cus_bench_{Guid.NewGuid():N}";
        var paymentIntentId = $"pi_bench_{Guid.NewGuid():N}";
        var periodEnd = now.AddMonths(1);
        var metadata = new JsonObject { ["planId"] = "basic", ["billingPeriod"] = "monthly", ["userId"] = userId };
        var session = new JsonObject
        {
            ["id"] = $"cs_bench_{Guid.NewGuid():N}",
            ["object"] = "checkout.session",
            ["mode"] = "subscription",
            ["status"] = "complete",
            ["client_reference_id"] = userId,
            ["customer"] = customerId,
            ["subscription"] = subscriptionId,
            ["amount_total"] = 999,
            ["currency"] = "usd",
            ["metadata"] = metadata.DeepClone(),

            // What was bought, carried in the event so the check needs no call to the provider (a
            // real delivery leaves it out and the API lists it from Stripe: one more round trip).
            ["line_items"] = List(new JsonObject
            {
                ["id"] = $"li_bench_{Guid.NewGuid():N}",
                ["object"] = "item",
                ["quantity"] = 1,
                ["amount_subtotal"] = 999,
                ["amount_total"] = 999,
                ["currency"] = "usd",
                ["price"] = new JsonObject
                {
                    ["id"] = $"price_bench_{Guid.NewGuid():N}",
                    ["object"] = "price",
                    ["currency"] = "usd",
                    ["unit_amount"] = 999,
                    ["recurring"] = new JsonObject { ["interval"] = "month", ["interval_count"] = 1 },
                    ["product"] = "prod_bench",
                },
            }),
        };
        var subscription = new JsonObject
        {
            ["id"] = subscriptionId,
            ["object"] = "subscription",
            ["customer"] = customerId,
            ["status"] = "active",
            ["cancel_at_period_end"] = false,
            ["metadata"] = metadata.DeepClone(),
            ["items"] = List(new JsonObject
            {
                ["id"] = $"si_bench_{Guid.NewGuid():N}",
                ["object"] = "subscription_item",
                ["current_period_start"] = now.ToUnixTimeSeconds(),
                ["current_period_end"] = periodEnd.ToUnixTimeSeconds(),
                ["price"] = new JsonObject
                {
                    ["id"] = $"price_bench_{Guid.NewGuid():N}",
                    ["object"] = "price",
                    ["currency"] = "usd",
                    ["unit_amount"] = 999,
                    ["recurring"] = new JsonObject { ["interval"] = "month", ["interval_count"] = 1 },
                    ["product"] = "prod_bench",
                },
            }),
        };
        var invoice = new JsonObject
        {
            ["id"] = $"in_bench_{Guid.NewGuid():N}",
            ["object"] = "invoice",
            ["customer"] = customerId,
            ["currency"] = "usd",
            ["status"] = "paid",
            ["amount_due"] = 999,
            ["amount_paid"] = 999,
            ["parent"] = new JsonObject
            {
                ["type"] = "subscription_details",
                ["subscription_details"] = new JsonObject { ["subscription"] = subscriptionId },
            },
            ["lines"] = List(new JsonObject
            {
                ["id"] = $"il_bench_{Guid.NewGuid():N}",
                ["object"] = "line_item",
                ["amount"] = 999,
                ["currency"] = "usd",
                ["period"] = new JsonObject { ["start"] = now.ToUnixTimeSeconds(), ["end"] = periodEnd.ToUnixTimeSeconds() },
            }),
            ["payments"] = List(new JsonObject
            {
                ["id"] = $"inpay_bench_{Guid.NewGuid():N}",
                ["object"] = "invoice_payment",
                ["is_default"] = true,
                ["status"] = "paid",
                ["payment"] = new JsonObject { ["type"] = "payment_intent", ["payment_intent"] = paymentIntentId },
            }),
        };
        return new Customer(userId, subscriptionId, customerId, paymentIntentId,
        [
            Event("checkout.session.completed", session, now),
            Event("customer.subscription.created", subscription, now.AddSeconds(1)),
            Event("invoice.paid", invoice, now.AddSeconds(2)),
        ]);
    }

    private static JsonObject List(JsonObject item) => new() { ["object"] = "list", ["data"] = new JsonArray(item), ["has_more"] = false, ["url"] = "/v1/list" };

    private static string Event(string type, JsonObject data, DateTimeOffset created) => new JsonObject
    {
        ["id"] = $"evt_bench_{Guid.NewGuid():N}",
        ["object"] = "event",
        ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
        ["created"] = created.ToUnixTimeSeconds(),
        ["type"] = type,
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["data"] = new JsonObject { ["object"] = data },
    }.ToJsonString();

    /// <summary>Stripe's signature: <c>t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256 of "t.payload"&gt;</c>.</summary>
    private static string Sign(string payload, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), Encoding.UTF8.GetBytes($"{t}.{payload}")))}";
    }

    /// <summary>Stripe configured with the benchmark's secret and an API base nothing listens on: no
    /// call reaches Stripe (the events carry what the provider would otherwise fetch).</summary>
    private static BenchmarkApiHost Host(string connectionString, string databaseName) => new(connectionString, databaseName, new Dictionary<string, string>
    {
        ["RateLimits:payment-webhooks:PermitLimit"] = "100000000",
        ["Payments:Stripe:SecretKey"] = "sk_test_benchmark",
        ["Payments:Stripe:WebhookSecret"] = WebhookSecret,
        ["Payments:Stripe:ApiBase"] = "http://127.0.0.1:9",
        ["Payments:SuccessUrl"] = "https://app.example/success",
        ["Payments:CancelUrl"] = "https://app.example/cancel",
    });
}
