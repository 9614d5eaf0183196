using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DirectDebitRetries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Policy_DirectDebitRetryDays",
                table: "Firms",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "Policy_DirectDebitRetryWaitsForPayday",
                table: "Firms",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "DirectDebitRetries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    FirmId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientAccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    InvoiceId = table.Column<Guid>(type: "uuid", nullable: false),
                    FailedPaymentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Attempt = table.Column<int>(type: "integer", nullable: false),
                    FailureCause = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    PlannedFor = table.Column<DateOnly>(type: "date", nullable: false),
                    PlannedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    CancelledBecause = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    RetryPaymentId = table.Column<Guid>(type: "uuid", nullable: true),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DirectDebitRetries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DirectDebitRetries_ClientAccounts_ClientAccountId",
                        column: x => x.ClientAccountId,
                        principalTable: "ClientAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DirectDebitRetries_Invoices_InvoiceId",
                        column: x => x.InvoiceId,
                        principalTable: "Invoices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DirectDebitRetries_ClientAccountId",
                table: "DirectDebitRetries",
                column: "ClientAccountId");

            migrationBuilder.CreateIndex(
                name: "IX_DirectDebitRetries_FailedPaymentId",
                table: "DirectDebitRetries",
                column: "FailedPaymentId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DirectDebitRetries_FirmId_Status_PlannedFor",
                table: "DirectDebitRetries",
                columns: new[] { "FirmId", "Status", "PlannedFor" });

            migrationBuilder.CreateIndex(
                name: "IX_DirectDebitRetries_InvoiceId_Attempt",
                table: "DirectDebitRetries",
                columns: new[] { "InvoiceId", "Attempt" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DirectDebitRetries");

            migrationBuilder.DropColumn(
                name: "Policy_DirectDebitRetryDays",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Policy_DirectDebitRetryWaitsForPayday",
                table: "Firms");
        }
    }
}
