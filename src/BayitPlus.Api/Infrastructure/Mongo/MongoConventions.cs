using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Bson.Serialization.Conventions;
using MongoDB.Bson.Serialization.Serializers;

namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>The storage conventions of every document class, registered once before any class map:
/// snake_case element names, extra elements ignored (other services write to the same database),
/// nulls not stored (a sparse unique index such as <c>firebase_uid</c> must not see them),
/// string ids stored as ObjectIds. (Dates need nothing: the driver reads BSON dates as UTC.)</summary>
public static class MongoConventions
{
    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }

        var pack = new ConventionPack
        {
            new SnakeCaseElementNameConvention(),
            new IgnoreExtraElementsConvention(true),
            new IgnoreIfNullConvention(true),
            new StringIdStoredAsObjectIdConvention(),
        };
        ConventionRegistry.Register("BayitPlus", pack, type => type.Namespace?.StartsWith("BayitPlus.", StringComparison.Ordinal) == true);
    }

    /// <summary>A string <c>Id</c> is an ObjectId in the database and a 24-hex string in C#, and is
    /// generated on insert when empty — unless it declares another representation (a fixed key such
    /// as a singleton record's).</summary>
    private sealed class StringIdStoredAsObjectIdConvention : ConventionBase, IPostProcessingConvention
    {
        public void PostProcess(BsonClassMap classMap)
        {
            if (classMap.IdMemberMap is { } id && id.MemberType == typeof(string) && !id.MemberInfo.IsDefined(typeof(BsonRepresentationAttribute), inherit: false))
            {
                id.SetSerializer(new StringSerializer(BsonType.ObjectId));
                id.SetIdGenerator(MongoDB.Bson.Serialization.IdGenerators.StringObjectIdGenerator.Instance);
            }
        }
    }
}
