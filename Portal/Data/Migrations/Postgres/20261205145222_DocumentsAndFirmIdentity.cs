using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DocumentsAndFirmIdentity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Bic",
                table: "Firms",
                type: "character varying(11)",
                maxLength: 11,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Iban",
                table: "Firms",
                type: "character varying(34)",
                maxLength: 34,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LatePaymentPenalty",
                table: "Firms",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LegalAddress",
                table: "Firms",
                type: "character varying(400)",
                maxLength: 400,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LegalName",
                table: "Firms",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Siren",
                table: "Firms",
                type: "character varying(9)",
                maxLength: 9,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Siret",
                table: "Firms",
                type: "character varying(14)",
                maxLength: 14,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VatNumber",
                table: "Firms",
                type: "character varying(15)",
                maxLength: 15,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "IssuedInvoiceInputs",
                columns: table => new
                {
                    InvoiceId = table.Column<Guid>(type: "uuid", nullable: false),
                    FirmId = table.Column<Guid>(type: "uuid", nullable: false),
                    TakenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Parties = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IssuedInvoiceInputs", x => x.InvoiceId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IssuedInvoiceInputs_FirmId",
                table: "IssuedInvoiceInputs",
                column: "FirmId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IssuedInvoiceInputs");

            migrationBuilder.DropColumn(
                name: "Bic",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Iban",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "LatePaymentPenalty",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "LegalAddress",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "LegalName",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Siren",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Siret",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "VatNumber",
                table: "Firms");
        }
    }
}
