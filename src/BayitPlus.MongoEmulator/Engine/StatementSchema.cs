using System.Globalization;
using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>The IDL types of write-statement fields; each is checked as that type's parser does.</summary>
internal enum StatementFieldType
{
    Object,
    Bool,
    String,
    Uuid,

    /// <summary>optionalBool: a boolean, refused with the deserializer's own message.</summary>
    OptionalBool,

    /// <summary>array&lt;object&gt;.</summary>
    ObjectArray,

    /// <summary>indexHint: an index name or a key pattern.</summary>
    Hint,

    /// <summary>update_modification: an update document or a pipeline.</summary>
    UpdateModification,

    /// <summary>multi_delete_bool: a delete's <c>limit</c>, 0 or 1.</summary>
    DeleteLimit,

    /// <summary>safeInt with <c>gte: 0</c>: a bulkWrite operation's index into <c>nsInfo</c>.</summary>
    NamespaceIndex,
}

/// <summary>
/// A strict IDL struct of write statements (write_ops.idl's UpdateOpEntry and DeleteOpEntry,
/// bulk_write.idl's operations and namespace entries). The server parses every statement of a
/// command with it before running any, so a statement it refuses fails the whole command and
/// nothing is written.
/// </summary>
internal sealed class StatementSchema(
    string path, IReadOnlyDictionary<string, StatementFieldType> fields, IReadOnlySet<string> internalFields, params string[] required)
{
    /// <summary>The field the server accepts on update and delete statements only from its query sampler.</summary>
    public static readonly IReadOnlySet<string> SamplerFields = new HashSet<string> { "sampleId" };

    /// <summary>Fields the server accepts on update statements only from its own routers and sampler.</summary>
    public static readonly IReadOnlySet<string> RouterFields = new HashSet<string> { "sampleId", "$_allowShardKeyUpdatesWithoutFullShardKeyInQuery" };

    /// <summary>Checks each statement of the array this schema's path names.</summary>
    public void CheckAll(BsonArray statements)
    {
        for (var i = 0; i < statements.Count; i++)
        {
            Check(statements[i] as BsonDocument ?? throw MongoErrorException.WrongType($"{path}.{i}", statements[i], "object"));
        }
    }

    /// <summary>Refuses an unknown field (40415), a field only MongoDB's own components send (238),
    /// a field of the wrong type and a missing required field.</summary>
    public void Check(BsonDocument statement)
    {
        foreach (var element in statement)
        {
            if (!fields.TryGetValue(element.Name, out var type))
            {
                throw internalFields.Contains(element.Name)
                    ? new MongoErrorException(ErrorCodes.NotImplemented, $"BSON field '{path}.{element.Name}' is not supported by the emulator")
                    : MongoErrorException.UnknownField($"{path}.{element.Name}");
            }

            CheckType(element, type);
        }

        if (required.FirstOrDefault(f => !statement.Contains(f)) is { } missing)
        {
            throw MongoErrorException.MissingField($"{path}.{missing}");
        }
    }

    /// <summary>Whether a delete's <c>limit</c> asks for every match. Like the server, which reads it
    /// as a number (a non-number reading as 0), it accepts only 0 and 1.</summary>
    public static bool IsMultiDelete(BsonValue limit)
    {
        var value = limit.IsNumeric ? limit.ToDouble() : 0;
        return value switch
        {
            0 => true,
            1 => false,
            _ => throw MongoErrorException.FailedToParse($"The limit field in delete objects must be 0 or 1. Got {value.ToString(CultureInfo.InvariantCulture)}"),
        };
    }

    private void CheckType(BsonElement element, StatementFieldType type)
    {
        var fieldPath = $"{path}.{element.Name}";
        var value = element.Value;
        switch (type)
        {
            case StatementFieldType.Object when value is not BsonDocument:
                throw MongoErrorException.WrongType(fieldPath, value, "object");
            case StatementFieldType.Bool when value is not BsonBoolean:
                throw MongoErrorException.WrongType(fieldPath, value, "bool");
            case StatementFieldType.String when value is not BsonString:
                throw MongoErrorException.WrongType(fieldPath, value, "string");
            case StatementFieldType.Uuid when value is not BsonBinaryData { SubType: BsonBinarySubType.UuidStandard }:
                throw MongoErrorException.WrongType(fieldPath, value, "binData");
            case StatementFieldType.OptionalBool when value is not BsonBoolean:
                throw MongoErrorException.TypeMismatch($"Field '{element.Name}' should be a boolean value, but found: {BsonTypeNames.Of(value)}");
            case StatementFieldType.ObjectArray:
                var array = value as BsonArray ?? throw MongoErrorException.WrongType(fieldPath, value, "array");
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is not BsonDocument)
                    {
                        throw MongoErrorException.WrongType($"{fieldPath}.{i}", array[i], "object");
                    }
                }

                break;
            case StatementFieldType.Hint when value is not (BsonString or BsonDocument):
                throw MongoErrorException.FailedToParse("Hint must be a string or an object");
            case StatementFieldType.UpdateModification when value is not (BsonDocument or BsonArray):
                throw MongoErrorException.FailedToParse("Update argument must be either an object or an array");
            case StatementFieldType.UpdateModification when value is BsonArray stages && stages.Any(s => s is not BsonDocument):
                throw MongoErrorException.TypeMismatch("Each element of the 'pipeline' array must be an object");
            case StatementFieldType.DeleteLimit:
                IsMultiDelete(value);
                break;
            case StatementFieldType.NamespaceIndex when !value.IsNumeric:
                throw MongoErrorException.WrongType(fieldPath, value, "[long, int, decimal, double]", plural: true);
            case StatementFieldType.NamespaceIndex when value.ToInt64() < 0:
                throw new MongoErrorException(51024, $"BSON field '{fieldPath}' value must be >= 0, actual value '{value.ToInt64()}'");
        }
    }
}
