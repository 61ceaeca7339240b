extern alias api;

using System.Collections.Concurrent;
using System.Diagnostics;
using api::BayitPlus.Api.Features.Beta500;
using api::BayitPlus.Api.Infrastructure.Credits;
using api::BayitPlus.Api.Infrastructure.Mongo;
using api::BayitPlus.Api.Infrastructure.Security;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Benchmarks;

/// <summary>
/// The Beta 500 credit ledger under load (<c>ledger</c> mode): parallel clients charge through the
/// API's own <see cref="CreditLedger"/> (one MongoDB transaction per charge: the balance's
/// conditional update and its ledger entry), a tenth of them retrying an earlier idempotency key.
/// Afterwards every member's ledger is summed and checked against the balance, and the charges
/// counted: a double spend or a duplicate charge fails the run.
/// </summary>
internal static class LedgerBenchmark
{
    private const int Members = 500;
    private const int StartingCredits = 10_000_000;

    public static async Task<Result> RunAsync(IMongoClient client, string databaseName, int clients, int chargesPerClient)
    {
        MongoConventions.Register();
        var db = new MongoContext(client, new MongoSettings { ConnectionString = "", DatabaseName = databaseName });
        foreach (var indexes in new ICollectionIndexes[] { new BetaUserIndexes(), new BetaCreditTransactionIndexes() })
        {
            await db.Collection<BsonDocument>(indexes.CollectionName).Indexes.CreateManyAsync(indexes.Indexes);
        }

        var settings = new BetaSettings();
        var ledger = new CreditLedger(db, settings, TimeProvider.System, new NoSecurityEvents());
        var members = Enumerable.Range(0, Members).Select(_ => ObjectId.GenerateNewId().ToString()).ToArray();
        await ledger.Members.InsertManyAsync(members.Select(id => new BetaUserDocument
        {
            UserId = id,
            Email = $"{id}@example.com",
            FingerprintHash = id,
            CreditsBalance = StartingCredits,
            TotalCreditsGranted = StartingCredits,
            IsActive = true,
            EnrolledAt = DateTime.UtcNow,
            ExpiresAt = DateTime.UtcNow.AddDays(90),
        }));
        await ledger.Entries.InsertManyAsync(members.Select(id => new BetaCreditTransactionDocument
        {
            UserId = id,
            TransactionType = BetaTransactionTypes.Grant,
            Amount = StartingCredits,
            BalanceAfter = StartingCredits,
            Reason = "benchmark grant",
            CreatedAt = DateTime.UtcNow,
        }));

        // Warm-up: JIT the driver's transaction path and the ledger before measuring.
        var charged = new ConcurrentDictionary<(string, string), ChargeResult.Charged>();
        await ChargeAllAsync(ledger, members, clients, 50, "warmup", new ConcurrentBag<double>(), charged);
        var latencies = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        await ChargeAllAsync(ledger, members, clients, chargesPerClient, "run", latencies, charged);
        var elapsed = clock.Elapsed;

        await VerifyAsync(ledger, members, charged.Count);
        var sorted = latencies.Order().ToArray();
        return new Result($"credit charge (transaction), {clients} clients, {Members} members", 0, sorted.Length, sorted.Length / elapsed.TotalSeconds,
            sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)]);
    }

    private static Task ChargeAllAsync(
        CreditLedger ledger, string[] members, int clients, int chargesPerClient, string phase,
        ConcurrentBag<double> latencies, ConcurrentDictionary<(string, string), ChargeResult.Charged> charged) =>
        Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < chargesPerClient; i++)
            {
                // Every tenth charge retries this client's previous key (same member): it must not charge again.
                var keyIndex = i % 10 == 9 ? i - 1 : i;
                var key = $"{phase}-{c}-{keyIndex}";
                var member = members[(c + (keyIndex * 31)) % members.Length];
                var started = Stopwatch.GetTimestamp();
                var result = await ledger.ChargeAsync(member, "ai_search", 1, key, CancellationToken.None);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                // A retry answers the first charge, marked as replayed.
                var first = (ChargeResult.Charged)result with { Replayed = false };
                if (charged.GetOrAdd((member, key), first) != first)
                {
                    throw new InvalidOperationException($"Key {key} answered two different charges.");
                }
            }
        })));

    /// <summary>Fails the run unless each member's ledger adds up to its balance and exactly one
    /// charge was written per distinct key.</summary>
    private static async Task VerifyAsync(CreditLedger ledger, string[] members, int distinctCharges)
    {
        var sums = await Reconciliation.LedgerSumsAsync(ledger.Entries, null, CancellationToken.None);
        var balances = await ledger.Members.Find(FilterDefinition<BetaUserDocument>.Empty).ToListAsync();
        var deducted = 0;
        foreach (var member in balances)
        {
            var sum = sums[member.UserId];
            if (member.TotalCreditsGranted - sum.Deducted + sum.Refunded != member.CreditsBalance || sum.Latest != member.CreditsBalance)
            {
                throw new InvalidOperationException($"Ledger and balance disagree for {member.UserId}.");
            }

            deducted += sum.Deducted;
        }

        var price = new BetaSettings().Prices["ai_search"].Credits;
        if (deducted != distinctCharges * price || balances.Count != members.Length)
        {
            throw new InvalidOperationException($"Expected {distinctCharges} charges of {price}, found {deducted} credits deducted.");
        }

        Console.WriteLine($"Ledger verified: {members.Length} members reconcile, {distinctCharges:N0} distinct charges, no double spend.");
    }
}
