using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using FluentValidation;
using Microsoft.AspNetCore.OutputCaching;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>
/// What the catalog admin use cases share: reading a body onto the editable fields and validating
/// the complete result, writing with the server's timestamps, and evicting the catalog output
/// cache after every write. Unique indexes decide conflicts: their duplicate-key errors become 409s
/// naming the field.
/// </summary>
public sealed class CatalogAdminStore(MongoContext db, IOutputCacheStore cache, TimeProvider time, IServiceProvider services)
{
    private const string CreatedAt = "created_at";
    private const string UpdatedAt = "updated_at";

    /// <summary>Applies <paramref name="body"/> to <paramref name="fields"/>, validates the result
    /// and returns the names of the fields the body sent.</summary>
    public async Task<IReadOnlyList<string>> ReadAsync<TFields>(CatalogResource resource, JsonObject body, TFields fields, CancellationToken ct)
        where TFields : class
    {
        var sent = EditableFields.Apply(body, fields, resource.ServerOwned);
        // Each fields type has one validator, registered by FluentValidation's scan; this store
        // serves every resource, so it looks up the one it needs.
        await services.GetRequiredService<IValidator<TFields>>().ValidateAndThrowAsync(fields, ct);
        return sent;
    }

    public async Task<TDocument> FindAsync<TDocument>(CatalogResource resource, ObjectId id, CancellationToken ct) =>
        await Collection<TDocument>(resource).Find(ById<TDocument>(id)).FirstOrDefaultAsync(ct)
        ?? throw new NotFoundException(resource.Name);

    /// <summary>Stores a new item, with <c>created_at</c> and <c>updated_at</c> set now.</summary>
    public async Task InsertAsync<TDocument>(CatalogResource resource, TDocument document, CancellationToken ct)
    {
        // Set through the class map, by the element names every catalog collection uses, so that
        // no resource has to declare how.
        var map = BsonClassMap.LookupClassMap(typeof(TDocument));
        var now = Now();
        map.GetMemberMapForElement(CreatedAt).Setter(document!, now);
        map.GetMemberMapForElement(UpdatedAt).Setter(document!, now);
        await Collection<TDocument>(resource).InsertOneAsync(document, cancellationToken: ct);
        await EvictAsync();
    }

    /// <summary>Applies <paramref name="update"/> (with <c>updated_at</c> set now) and returns the item as stored after it.</summary>
    public async Task<TDocument> UpdateAsync<TDocument>(CatalogResource resource, ObjectId id, BsonDocument update, CancellationToken ct)
    {
        update["$set"].AsBsonDocument[UpdatedAt] = Now();
        var updated = await Collection<TDocument>(resource).FindOneAndUpdateAsync(
            ById<TDocument>(id),
            new BsonDocumentUpdateDefinition<TDocument>(update),
            new FindOneAndUpdateOptions<TDocument> { ReturnDocument = ReturnDocument.After },
            ct) ?? throw new NotFoundException(resource.Name);
        await EvictAsync();
        return updated;
    }

    public async Task DeleteAsync(CatalogResource resource, ObjectId id, CancellationToken ct)
    {
        var deleted = await Collection<BsonDocument>(resource).DeleteOneAsync(ById<BsonDocument>(id), ct);
        if (deleted.DeletedCount == 0)
        {
            throw new NotFoundException(resource.Name);
        }

        if (resource.DeleteDependents is { } dependents)
        {
            await dependents(db, id.ToString(), ct);
        }

        await EvictAsync();
    }

    private IMongoCollection<TDocument> Collection<TDocument>(CatalogResource resource) => db.Collection<TDocument>(resource.Collection);

    private static FilterDefinition<TDocument> ById<TDocument>(ObjectId id) => new BsonDocumentFilterDefinition<TDocument>(new BsonDocument("_id", id));

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    /// <summary>Not tied to the request: once the write is stored, a client that hangs up must not
    /// leave stale catalog pages cached.</summary>
    private ValueTask EvictAsync() => CatalogCache.EvictAsync(cache, CancellationToken.None);
}
