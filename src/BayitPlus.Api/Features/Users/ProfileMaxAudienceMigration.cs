using BayitPlus.Api.Infrastructure.Mongo.Migrations;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>Moves the parental limit an earlier build of this API stored at the profile's top level
/// (<c>max_audience</c>) to <c>preferences.max_audience</c>, where it is read now; left in place it
/// would be ignored and the limit silently lifted. A limit already in <c>preferences</c> is newer
/// (only the current build writes there) and wins; the old field is removed either way. One
/// pipeline update, so running it again changes nothing.</summary>
public sealed class ProfileMaxAudienceMigration : IMigration
{
    public string Name => "profile_max_audience_to_preferences_v1";

    public async Task<BsonDocument> ApplyAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        var profiles = database.GetCollection<BsonDocument>(ProfileDocument.CollectionName);
        var move = new BsonDocument("$and", new BsonArray
        {
            new BsonDocument("$eq", new BsonArray { new BsonDocument("$type", new BsonArray { "$max_audience" }), "string" }),
            new BsonDocument("$eq", new BsonArray { new BsonDocument("$ifNull", new BsonArray { "$preferences.max_audience", BsonNull.Value }), BsonNull.Value }),
        });
        var preferences = new BsonDocument("$cond", new BsonArray
        {
            new BsonDocument("$eq", new BsonArray { new BsonDocument("$type", new BsonArray { "$preferences" }), "object" }),
            "$preferences",
            new BsonDocument(),
        });
        var pipeline = new[]
        {
            new BsonDocument("$set", new BsonDocument("preferences", new BsonDocument("$cond", new BsonArray
            {
                move,
                new BsonDocument("$mergeObjects", new BsonArray { preferences, new BsonDocument("max_audience", "$max_audience") }),
                "$preferences",
            }))),
            new BsonDocument("$unset", "max_audience"),
        };
        var result = await profiles.UpdateManyAsync(
            new BsonDocument("max_audience", new BsonDocument("$exists", true)),
            new PipelineUpdateDefinition<BsonDocument>(pipeline),
            cancellationToken: cancellationToken);
        return new BsonDocument("profiles", result.ModifiedCount);
    }
}
