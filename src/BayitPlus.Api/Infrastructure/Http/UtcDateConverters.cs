using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>
/// Every date a response carries is ISO 8601 in UTC with milliseconds, always the same shape
/// (<c>2026-12-03T14:42:00.120Z</c>): the serializer's default drops trailing zeros of the fraction
/// and keeps the value's own offset, so a client would see several shapes. Reading is the
/// serializer's own (its ISO 8601 profile, any precision and offset), so requests are unchanged.
/// A nullable date is written by the same converter.
/// </summary>
public static class UtcDateConverters
{
    /// <summary>Milliseconds, as MongoDB stores dates; finer ticks are cut, not rounded.</summary>
    public const string Format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'";

    /// <summary>The longest date text the serializer reads.</summary>
    public const int MaxReadLength = 42;

    public static string ToApiString(DateTime value) => AsUtc(value).ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>Dates are stored and computed in UTC (ARCHITECTURE.md), so one without a kind is UTC.</summary>
    private static DateTime AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };

    public sealed class ForDateTime : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTime();

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(ToApiString(value));
    }

    public sealed class ForDateTimeOffset : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(ToApiString(value.UtcDateTime));
    }

    /// <summary>A type with a converter of its own is opaque to the schema generator, which then
    /// gives dates only their format: this restores <c>type: string</c> (and <c>null</c> for a
    /// nullable date), with the longest length read.</summary>
    public sealed class SchemaTransformer : IOpenApiSchemaTransformer
    {
        public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
        {
            var type = context.JsonTypeInfo.Type;
            var date = Nullable.GetUnderlyingType(type) ?? type;
            if (date == typeof(DateTime) || date == typeof(DateTimeOffset))
            {
                schema.Type = date == type ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
                schema.Format = "date-time";

                // The serializer refuses a longer date (16 fraction digits and an offset); a response's is 24.
                schema.MaxLength = MaxReadLength;
            }

            return Task.CompletedTask;
        }
    }
}
