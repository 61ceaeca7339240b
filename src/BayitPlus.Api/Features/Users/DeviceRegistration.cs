using System.Security.Cryptography;
using System.Text;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>The calling device as a sign-in request describes it. <c>deviceId</c> is the client's own
/// stable identifier for the installation (any string up to 200 characters); the server stores only
/// a digest of it, and the device later removes itself with this same <c>deviceId</c>.</summary>
/// <param name="DeviceId">The client's own stable id for this installation (e.g. a UUID generated
/// once and kept); signing in again with it updates the device instead of adding one.</param>
/// <param name="DeviceName">A name the user recognizes in the device list ("Living room TV").</param>
/// <param name="DeviceType">mobile, desktop, tv or tablet.</param>
/// <param name="Platform">e.g. iOS, Android, Web, tvOS.</param>
/// <param name="Os">e.g. iOS 17.2, Windows 11.</param>
/// <param name="Browser">e.g. Chrome, Safari (web clients).</param>
public sealed record DeviceInput(string DeviceId, string DeviceName, string DeviceType, string? Platform = null, string? Os = null, string? Browser = null);

public sealed class DeviceInputValidator : AbstractValidator<DeviceInput>
{
    public const int MaxDeviceIdLength = 200;

    public static readonly IReadOnlyList<string> DeviceTypes = ["mobile", "desktop", "tv", "tablet"];

    public DeviceInputValidator()
    {
        RuleFor(d => d.DeviceId).NotEmpty().WithMessage("Device id is required.")
            .MaximumLength(MaxDeviceIdLength).WithMessage($"Device id must be at most {MaxDeviceIdLength} characters long.");
        RuleFor(d => d.DeviceName).NotEmpty().WithMessage("Device name is required.")
            .MaximumLength(100).WithMessage("Device name must be at most 100 characters long.");
        RuleFor(d => d.DeviceType).NotEmpty().WithMessage("Device type is required.")
            .OneOf(DeviceTypes).WithMessage($"Device type must be one of: {string.Join(", ", DeviceTypes)}.");
        RuleFor(d => d.Platform).MaximumLength(100).WithMessage("Platform must be at most 100 characters long.");
        RuleFor(d => d.Os).MaximumLength(100).WithMessage("OS must be at most 100 characters long.");
        RuleFor(d => d.Browser).MaximumLength(100).WithMessage("Browser must be at most 100 characters long.");
    }
}

/// <summary>Registers or refreshes the calling device of a sign-in (login, Firebase) and stamps
/// <c>last_login</c>, in one guarded update of the user document, so parallel sign-ins from new
/// devices can never push an account past <see cref="UsersSettings.MaxDevices"/>.</summary>
public sealed class DeviceRegistration(MongoContext db, UsersSettings settings, TimeProvider time)
{
    private IMongoCollection<BsonDocument> Users => db.Collection<BsonDocument>(UserDocument.CollectionName);

    /// <summary>Lowercase hex SHA-256 of the client's device identifier, as <c>device_id</c> stores it.</summary>
    public static string HashDeviceId(string rawDeviceId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rawDeviceId)));

    /// <summary>Marks <paramref name="device"/> as the user's current device (added when new,
    /// refreshed when known) and returns its hashed id. A new device beyond the limit is a 409 on
    /// <c>device</c> and nothing is stored; an account that vanished or was deactivated meanwhile is a 401.</summary>
    public async Task<string> RegisterAsync(string userId, DeviceInput device, string? ipAddress, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var deviceId = HashDeviceId(device.DeviceId);
        var stored = new DeviceDocument
        {
            DeviceId = deviceId,
            DeviceName = device.DeviceName.Trim(),
            DeviceType = device.DeviceType,
            Platform = Blank(device.Platform),
            Os = Blank(device.Os),
            Browser = Blank(device.Browser),
            IpAddress = ipAddress,
            LastActive = now,
            RegisteredAt = now,
            IsCurrent = true,
        }.ToBsonDocument();

        // A known device keeps its registered_at, and any optional field this client no longer
        // reports keeps its earlier value (nulls are not stored, so they merge as absent).
        var refreshed = stored.DeepClone().AsBsonDocument;
        refreshed.Remove("registered_at");

        // The filter is the guard: the device is already there, or there is room for one more
        // (no element at index MaxDevices-1). The server evaluates it and the pipeline on the same
        // document atomically, so of two parallel sign-ins racing for the last slot only one matches.
        var filter = new BsonDocument
        {
            { "_id", ObjectId.Parse(userId) },
            { "is_active", true },
            { "$or", new BsonArray
                {
                    new BsonDocument("devices.device_id", deviceId),
                    new BsonDocument($"devices.{settings.MaxDevices - 1}", new BsonDocument("$exists", false)),
                }
            },
        };

        // Every value from the client goes in through $literal: a device name such as "$devices"
        // must stay a string, not become a field path.
        var notCurrent = Literal(new BsonDocument("is_current", false));
        var known = new BsonDocument("$in", new BsonArray { Literal(deviceId), new BsonDocument("$ifNull", new BsonArray { "$devices.device_id", new BsonArray() }) });
        var refreshKnown = Map("$devices", new BsonDocument("$cond", new BsonArray
        {
            new BsonDocument("$eq", new BsonArray { "$$d.device_id", Literal(deviceId) }),
            Literal(refreshed),
            notCurrent,
        }));
        var appendNew = new BsonDocument("$concatArrays", new BsonArray
        {
            Map(new BsonDocument("$ifNull", new BsonArray { "$devices", new BsonArray() }), notCurrent),
            Literal(new BsonArray { stored }),
        });
        var update = new BsonDocument("$set", new BsonDocument
        {
            { "devices", new BsonDocument("$cond", new BsonArray { known, refreshKnown, appendNew }) },
            { "last_login", Literal(now) },
            { "updated_at", Literal(now) },
        });

        var result = await Users.UpdateOneAsync(filter, new BsonDocumentStagePipelineDefinition<BsonDocument, BsonDocument>([update]), cancellationToken: ct);
        if (result.MatchedCount == 1)
        {
            return deviceId;
        }

        var user = await Users.Find(new BsonDocument { { "_id", ObjectId.Parse(userId) }, { "is_active", true } }).AnyAsync(ct);
        throw user
            ? new ConflictException("device", $"This account already has the maximum of {settings.MaxDevices} devices; remove one to sign in on a new device.")
            : new UnauthorizedException("The account is not available.");
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static BsonDocument Literal(BsonValue value) => new("$literal", value);

    /// <summary>Each device merged with the fields <paramref name="changes"/> evaluates to.</summary>
    private static BsonDocument Map(BsonValue input, BsonValue changes) => new("$map", new BsonDocument
    {
        { "input", input },
        { "as", "d" },
        { "in", new BsonDocument("$mergeObjects", new BsonArray { "$$d", changes }) },
    });
}
