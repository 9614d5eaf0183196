using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ClientAndInvoiceImports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ImportedAt",
                table: "Invoices",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ExternalReference",
                table: "ClientAccounts",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "ClientAccounts",
                type: "character varying(5)",
                maxLength: 5,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ImportColumnMappings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    FirmId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Columns = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportColumnMappings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ImportColumnMappings_Firms_FirmId",
                        column: x => x.FirmId,
                        principalTable: "Firms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ClientAccounts_FirmId_ExternalReference",
                table: "ClientAccounts",
                columns: new[] { "FirmId", "ExternalReference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ImportColumnMappings_FirmId_Kind",
                table: "ImportColumnMappings",
                columns: new[] { "FirmId", "Kind" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ImportColumnMappings");

            migrationBuilder.DropIndex(
                name: "IX_ClientAccounts_FirmId_ExternalReference",
                table: "ClientAccounts");

            migrationBuilder.DropColumn(
                name: "ImportedAt",
                table: "Invoices");

            migrationBuilder.DropColumn(
                name: "ExternalReference",
                table: "ClientAccounts");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "ClientAccounts");
        }
    }
}
