using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using FluentValidation;
using Microsoft.AspNetCore.OutputCaching;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>One catalog resource as the admin endpoints manage it: its collection, its name in
/// messages, the fields clients may edit (<typeparamref name="TFields"/>) and the fields only the
/// server sets.</summary>
public sealed record AdminResource<TDocument, TFields>(string Collection, string Name, IReadOnlyCollection<string> ServerManaged)
    where TFields : class, new();

/// <summary>
/// The write path every admin catalog endpoint shares: read the body onto the editable fields,
/// validate the complete result (for a PATCH, the stored item with the sent fields applied, so a
/// rule across fields such as "primarySectionId is one of sectionIds" holds after any patch),
/// write, and evict the catalog output cache. Unique indexes decide conflicts: their duplicate-key
/// errors become 409s naming the field.
/// </summary>
public sealed class CatalogAdminStore(MongoContext db, IOutputCacheStore cache, TimeProvider time)
{
    public async Task<TDocument> CreateAsync<TDocument, TFields>(
        AdminResource<TDocument, TFields> resource,
        JsonObject body,
        IValidator<TFields> validator,
        Func<TFields, DateTime, TDocument> create,
        CancellationToken ct)
        where TFields : class, new()
    {
        var fields = new TFields();
        EditableFields.Apply(body, fields, resource.ServerManaged);
        await validator.ValidateAndThrowAsync(fields, ct);
        var document = create(fields, Now());
        await db.Collection<TDocument>(resource.Collection).InsertOneAsync(document, cancellationToken: ct);
        await EvictAsync();
        return document;
    }

    public async Task<TDocument> GetAsync<TDocument, TFields>(AdminResource<TDocument, TFields> resource, string id, CancellationToken ct)
        where TFields : class, new() =>
        await db.Collection<TDocument>(resource.Collection).Find(ById(resource, id)).FirstOrDefaultAsync(ct)
        ?? throw new NotFoundException(resource.Name);

    /// <summary>PUT: every editable field takes the body's value; a field the body leaves out is cleared.</summary>
    public async Task<TDocument> ReplaceAsync<TDocument, TFields>(
        AdminResource<TDocument, TFields> resource, string id, JsonObject body, IValidator<TFields> validator, CancellationToken ct)
        where TFields : class, new()
    {
        var filter = ById(resource, id);
        var fields = new TFields();
        EditableFields.Apply(body, fields, resource.ServerManaged);
        await validator.ValidateAndThrowAsync(fields, ct);
        return await UpdateAsync(resource, filter, EditableFields.Update(fields), ct);
    }

    /// <summary>PATCH: only the fields the body names change (null clears one).</summary>
    public async Task<TDocument> PatchAsync<TDocument, TFields>(
        AdminResource<TDocument, TFields> resource, string id, JsonObject body, IValidator<TFields> validator, Func<TDocument, TFields> current, CancellationToken ct)
        where TFields : class, new()
    {
        var stored = await GetAsync(resource, id, ct);
        var fields = current(stored);
        var sent = EditableFields.Apply(body, fields, resource.ServerManaged);
        await validator.ValidateAndThrowAsync(fields, ct);
        return sent.Count == 0 ? stored : await UpdateAsync(resource, ById(resource, id), EditableFields.Update(fields, sent), ct);
    }

    /// <summary>Deletes the item; <paramref name="dependents"/> then removes what belongs to it.</summary>
    public async Task DeleteAsync<TDocument, TFields>(
        AdminResource<TDocument, TFields> resource, string id, CancellationToken ct, Func<CancellationToken, Task>? dependents = null)
        where TFields : class, new()
    {
        var deleted = await db.Collection<TDocument>(resource.Collection).DeleteOneAsync(ById(resource, id), ct);
        if (deleted.DeletedCount == 0)
        {
            throw new NotFoundException(resource.Name);
        }

        if (dependents is not null)
        {
            await dependents(ct);
        }

        await EvictAsync();
    }

    private async Task<TDocument> UpdateAsync<TDocument, TFields>(
        AdminResource<TDocument, TFields> resource, FilterDefinition<TDocument> filter, BsonDocument update, CancellationToken ct)
        where TFields : class, new()
    {
        update["$set"].AsBsonDocument["updated_at"] = Now();
        var updated = await db.Collection<TDocument>(resource.Collection).FindOneAndUpdateAsync(
            filter,
            new BsonDocumentUpdateDefinition<TDocument>(update),
            new FindOneAndUpdateOptions<TDocument> { ReturnDocument = ReturnDocument.After },
            ct) ?? throw new NotFoundException(resource.Name);
        await EvictAsync();
        return updated;
    }

    private static FilterDefinition<TDocument> ById<TDocument, TFields>(AdminResource<TDocument, TFields> resource, string id)
        where TFields : class, new() =>
        new BsonDocumentFilterDefinition<TDocument>(new BsonDocument("_id", Ids.Parse(id, resource.Name)));

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    /// <summary>Not tied to the request: once the write is stored, a client that hangs up must not
    /// leave stale catalog pages cached.</summary>
    private ValueTask EvictAsync() => CatalogCache.EvictAsync(cache, CancellationToken.None);
}
