extern alias api;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using api::BayitPlus.Api.Features.Beta500;
using api::BayitPlus.Api.Features.Users;
using api::BayitPlus.Api.Infrastructure.Auth;
using api::BayitPlus.Api.Infrastructure.Errors;
using api::BayitPlus.Api.Infrastructure.Mongo;
using api::BayitPlus.Api.Infrastructure.Security;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Benchmarks;

/// <summary>
/// Beta 500 enrollment under load (<c>enroll</c> mode): parallel clients enroll distinct accounts
/// (created beforehand, outside the timing) through the API's own <see cref="Enroll.Handler"/>
/// (screening, then one transaction per enrollment: the seat, the member, its grant, the role) until
/// the seats run out, the rest answered program-full. Afterwards the seats, members, grants and roles
/// are checked against each other: an oversold seat or a half-written enrollment fails the run.
/// </summary>
internal static class EnrollmentBenchmark
{
    public static async Task<IReadOnlyList<Result>> RunAsync(IMongoClient client, string databaseName, int clients, int seats, int candidates)
    {
        MongoConventions.Register();

        // Warm-up in a database of its own: the seats it fills must not count in the measured run.
        var warmupName = $"{databaseName}_warmup";
        try
        {
            await using var warmup = await Enrollment.CreateAsync(client, warmupName, new BetaSettings { Seats = 50 }, 100);
            await warmup.EnrollAllAsync(clients);
        }
        finally
        {
            await client.DropDatabaseAsync(warmupName);
        }

        await using var run = await Enrollment.CreateAsync(client, databaseName, new BetaSettings { Seats = seats }, candidates);
        var clock = Stopwatch.StartNew();
        var outcomes = await run.EnrollAllAsync(clients);
        var elapsed = clock.Elapsed;

        var accepted = outcomes.Where(o => o.Accepted).ToArray();
        await run.VerifyAsync(accepted.Select(o => o.UserId).ToHashSet(), outcomes.Count - accepted.Length);
        var lastSeat = accepted.Length == 0 ? elapsed : accepted.Max(o => o.FinishedAt);
        return
        [
            Summarize($"enrollment accepted (transaction), {clients} clients, {seats} seats", accepted, accepted.Length / lastSeat.TotalSeconds),
            Summarize($"enrollment attempts incl. program full, {candidates:N0} candidates", [.. outcomes], outcomes.Count / elapsed.TotalSeconds),
        ];
    }

    private static Result Summarize(string name, Outcome[] outcomes, double perSecond)
    {
        var sorted = outcomes.Select(o => o.Micros).Order().ToArray();
        return sorted.Length == 0
            ? new Result(name, 0, 0, 0)
            : new Result(name, 0, sorted.Length, perSecond, sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)]);
    }

    private sealed record Outcome(string UserId, bool Accepted, double Micros, TimeSpan FinishedAt);

    /// <summary>One program's database, its candidate accounts and the handler the endpoint sends to,
    /// built from the same services the API registers.</summary>
    private sealed class Enrollment(MongoContext db, BetaSettings settings, string[] candidates) : IAsyncDisposable
    {
        private readonly AccountStatusLookup _status = new(db, new UsersSettings());
        private readonly BetaSeats _seats = new(db, settings);

        public static async Task<Enrollment> CreateAsync(IMongoClient client, string databaseName, BetaSettings settings, int candidates)
        {
            var db = new MongoContext(client, new MongoSettings { ConnectionString = "", DatabaseName = databaseName });
            foreach (var indexes in new ICollectionIndexes[] { new UserIndexes(), new BetaUserIndexes(), new BetaCreditTransactionIndexes() })
            {
                await db.Collection<BsonDocument>(indexes.CollectionName).Indexes.CreateManyAsync(indexes.Indexes);
            }

            // Verified (Firebase), week-old accounts on a network of their own: the screening passes
            // them all, so every refusal is a full program, never fraud.
            var created = DateTime.UtcNow.AddDays(-7);
            var users = Enumerable.Range(0, candidates).Select(i => new UserDocument
            {
                Id = ObjectId.GenerateNewId().ToString(),
                Email = $"candidate{i}@bayitplus.test",
                Name = $"Candidate {i}",
                FirebaseUid = $"firebase-{i}",
                CreatedAt = created,
                UpdatedAt = created,
            }).ToArray();
            await db.Users().InsertManyAsync(users);
            return new Enrollment(db, settings, [.. users.Select(u => u.Id)]);
        }

        public async Task<IReadOnlyCollection<Outcome>> EnrollAllAsync(int clients)
        {
            var accounts = new AccountRolesService(db, _status, TimeProvider.System);
            var screening = new FraudScreening(db, new DisposableEmailDomains(), settings);
            var ledger = new CreditLedger(db, settings, TimeProvider.System, new NoSecurityEvents());
            var handler = new Enroll.Handler(db, accounts, screening, _seats, ledger, settings, TimeProvider.System, new NoSecurityEvents());
            var outcomes = new ConcurrentBag<Outcome>();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                for (var i = c; i < candidates.Length; i += clients)
                {
                    var command = new Enroll.Command(new FingerprintInput($"BenchBrowser/{i}", "Web", "1920x1080", "Asia/Jerusalem", "he-IL"))
                    {
                        UserId = candidates[i],
                        IpAddress = new IPAddress([10, (byte)(i >> 8), (byte)i, 7]),
                    };
                    var started = Stopwatch.GetTimestamp();
                    bool accepted;
                    try
                    {
                        await handler.Handle(command, CancellationToken.None);
                        accepted = true;
                    }
                    catch (ConflictException full) when (full.Type == EnrollmentProblems.ProgramFull)
                    {
                        accepted = false;
                    }

                    outcomes.Add(new Outcome(candidates[i], accepted, Stopwatch.GetElapsedTime(started).TotalMicroseconds, clock.Elapsed));
                }
            })));
            return outcomes;
        }

        /// <summary>Fails the run unless exactly the seats were filled, the counter says so, every
        /// member has its grant and role, and nobody else was touched.</summary>
        public async Task VerifyAsync(IReadOnlySet<string> accepted, int refused)
        {
            var expected = Math.Min(settings.Seats, candidates.Length);
            var members = await Membership.Members(db).Find(FilterDefinition<BetaUserDocument>.Empty).ToListAsync();
            var active = members.Where(m => m.IsActive).Select(m => m.UserId).ToHashSet();
            var filled = await _seats.FilledAsync(CancellationToken.None);
            var grants = await Membership.Ledger(db)
                .Find(t => t.TransactionType == BetaTransactionTypes.Grant && t.Reason == Enroll.GrantReason && t.Amount == settings.InitialCredits)
                .ToListAsync();
            var granted = grants.Select(t => t.UserId).ToHashSet();
            var betaUsers = (await db.Users().Find(u => u.Role == Roles.Beta).Project(u => u.Id).ToListAsync()).ToHashSet();

            Require(accepted.Count == expected && refused == candidates.Length - expected, $"Expected {expected} enrollments accepted, got {accepted.Count} ({refused} refused).");
            Require(members.Count == expected && active.SetEquals(accepted), $"Expected exactly the {expected} accepted users as active members, found {members.Count} members, {active.Count} active.");
            Require(filled == expected, $"The seat counter ({BetaSeats.CollectionName}) says {filled}, not {expected}.");
            Require(grants.Count == expected && granted.SetEquals(accepted), $"Expected one grant per member, found {grants.Count} grants for {granted.Count} users.");
            Require(betaUsers.SetEquals(accepted), $"Expected the {expected} accepted users with role beta, found {betaUsers.Count}.");
            Console.WriteLine($"Enrollment verified: {active.Count} active members, seat counter {filled}, {grants.Count} grants, {betaUsers.Count} beta roles, {refused} refused as full.");
        }

        private static void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new InvalidOperationException(message);
            }
        }

        public ValueTask DisposeAsync()
        {
            _status.Dispose();
            _seats.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
