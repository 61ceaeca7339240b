using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>
/// The program's seats: one counter document, <c>{ _id: "seats", filled }</c> in the
/// <c>betaprogram</c> collection, holding the number of active members. A seat is taken by a
/// conditional <c>$inc</c> (<c>filled &lt; Beta:Seats</c>) and freed by a <c>$inc</c> of −1, each
/// inside the transaction that activates or ends the membership, so the count can never differ
/// from the active members nor pass the limit, however many enrollments race: of two transactions
/// writing the counter one conflicts and is retried, and then sees the other's seat.
/// </summary>
/// <remarks>
/// Every transaction that takes a seat writes the same document, so parallel ones mostly conflict
/// and retry. Within one instance they therefore queue (<see cref="TakeInTurnAsync"/>) and a full
/// program is answered from a plain read before any transaction starts; across instances the
/// conditional update and the conflicts alone keep the count right.
/// </remarks>
public sealed class BetaSeats(MongoContext db, BetaSettings settings) : IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    public const string CollectionName = "betaprogram";
    private const string SeatsId = "seats";
    private const string Filled = "filled";

    private volatile bool _exists;

    private IMongoCollection<BsonDocument> Program => db.Collection<BsonDocument>(CollectionName);

    private static FilterDefinition<BsonDocument> Counter => new BsonDocument("_id", SeatsId);

    /// <summary>Creates the counter the first time, from the active members already stored (none,
    /// unless the program ran before the counter existed). Several instances may race: the first
    /// insert wins, the others find it.</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_exists)
        {
            return;
        }

        var active = await Membership.Members(db).CountDocumentsAsync(m => m.IsActive, cancellationToken: cancellationToken);
        try
        {
            await Program.UpdateOneAsync(
                Counter,
                new BsonDocument("$setOnInsert", new BsonDocument(Filled, (int)active)),
                new UpdateOptions { IsUpsert = true },
                cancellationToken);
        }
        catch (MongoWriteException error) when (error.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // Another instance created it between our find and insert.
        }

        _exists = true;
    }

    /// <summary>Takes a seat in the transaction; false when every seat is filled.</summary>
    public async Task<bool> TakeAsync(IClientSessionHandle session, CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken);
        var result = await Program.UpdateOneAsync(
            session,
            Counter & Builders<BsonDocument>.Filter.Lt(Filled, settings.Seats),
            new BsonDocument("$inc", new BsonDocument(Filled, 1)),
            cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    /// <summary>Runs <paramref name="transaction"/> (which takes a seat) after this instance's
    /// earlier ones have finished, unless the program is already full (false).</summary>
    public async Task<bool> TakeInTurnAsync(Func<Task> transaction, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            if (await FilledAsync(cancellationToken) >= settings.Seats)
            {
                return false;
            }

            await transaction();
            return true;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Frees a seat in the transaction that ends a membership.</summary>
    public async Task FreeAsync(IClientSessionHandle session, CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken);
        await Program.UpdateOneAsync(
            session,
            Counter & Builders<BsonDocument>.Filter.Gt(Filled, 0),
            new BsonDocument("$inc", new BsonDocument(Filled, -1)),
            cancellationToken: cancellationToken);
    }

    /// <summary>The seats filled now.</summary>
    public async Task<int> FilledAsync(CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken);
        var counter = await Program.Find(Counter).FirstOrDefaultAsync(cancellationToken);
        return counter?.GetValue(Filled, 0).ToInt32() ?? 0;
    }

    public void Dispose() => _turn.Dispose();
}
