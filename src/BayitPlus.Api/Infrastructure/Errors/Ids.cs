using MongoDB.Bson;

namespace BayitPlus.Api.Infrastructure.Errors;

/// <summary>Ids are ObjectIds in the database and 24-hex strings in the API. A string that is not
/// one cannot name any document, so it is a 404, never a 500.</summary>
public static class Ids
{
    public static ObjectId Parse(string? id, string resource) =>
        ObjectId.TryParse(id, out var parsed) ? parsed : throw new NotFoundException(resource);

    public static bool IsValid(string? id) => ObjectId.TryParse(id, out _);
}
