using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Recaps;

/// <summary>Deletes a user's recaps when their deleted account is anonymized (they would expire
/// within minutes anyway, but hold the user's id until then).</summary>
public sealed class RecapHistoryEraser(MongoContext db) : IUserDataEraser
{
    public Task EraseAsync(string userId, CancellationToken cancellationToken) =>
        db.Collection<RecapSessionDocument>(RecapSessionDocument.CollectionName).DeleteManyAsync(r => r.UserId == userId, cancellationToken);
}
