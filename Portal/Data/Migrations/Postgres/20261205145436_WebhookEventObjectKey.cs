using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class WebhookEventObjectKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ObjectKey",
                table: "WebhookEvents",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookEvents_FirmId_ObjectKey",
                table: "WebhookEvents",
                columns: new[] { "FirmId", "ObjectKey" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WebhookEvents_FirmId_ObjectKey",
                table: "WebhookEvents");

            migrationBuilder.DropColumn(
                name: "ObjectKey",
                table: "WebhookEvents");
        }
    }
}
