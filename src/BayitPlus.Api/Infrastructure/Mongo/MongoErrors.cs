using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>Recognizes the server's errors the slices act on.</summary>
public static class MongoErrors
{
    private const int DuplicateKeyCode = 11000;

    /// <summary>A unique index refused the write: as a write error, or as a command error when the
    /// write ran inside a transaction or through findAndModify.</summary>
    public static bool IsDuplicateKey(MongoException error) => error switch
    {
        MongoWriteException write => write.WriteError?.Category == ServerErrorCategory.DuplicateKey,
        MongoCommandException command => command.Code == DuplicateKeyCode,
        _ => false,
    };
}
