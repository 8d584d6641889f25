; romboot.asm - a 128 KiB firmware ROM of its own, for -bios: the CPU's
; state at the reset vector, the ROM's two windows, the i440FX's PAM
; shadowing of the F segment and its SMRAM window, and each way a PC resets, which must start it
; at F000:FFF0 again with the PAM registers back at zero.
;
; The ROM ends at 0xFFFFFFFF and, being 128 KiB, fills 0xE0000-0xFFFFF too.
; ROM offset X is physical 0xFFFE0000+X and 0xE0000+X; its second half is
; the F segment, so F000:Y is ROM offset 0x10000+Y.  The 32-bit code runs
; from the high window, which no PAM setting touches.  A boot counter in
; RAM at 0x500 (RAM survives a reset) says which step comes next.
;
; Output on COM1; the end is isa-debug-exit (port 0xf4) with 0: status 1.
bits 16
org 0

HIGH    equ 0xfffe0000
COUNT   equ 0x500
COM1    equ 0x3f8

        times 0x10000 db 0x5a           ; 0xE0000-0xEFFFF: a known pattern

; ---- F segment: F000:0000 is ROM offset 0x10000
fseg:
start16:
        cli
        mov esi, edx                    ; EDX at reset: the CPU signature
        mov edi, cr0
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7000
        inc byte [COUNT]
        o32 lgdt [cs:gdtr - fseg]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp dword 0x08:(HIGH + pm32)

        align 8
gdt:    dq 0
        dq 0x00cf9a000000ffff           ; 0x08: flat code
        dq 0x00cf92000000ffff           ; 0x10: flat data
gdtr:   dw gdtr - gdt - 1
        dd HIGH + gdt
idt0:   dw 0                            ; an IDT with no gate: a triple fault
        dd 0

bits 32
pm32:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0x7000
        movzx eax, byte [COUNT]
        push eax
        mov ebx, HIGH + m_boot
        call puts
        pop eax
        push eax
        call hex2
        mov ebx, HIGH + m_nl
        call puts
        pop eax
        cmp al, 1
        je boot1
        mov ebx, HIGH + m_cs            ; every boot starts at the reset vector
        call puts
        mov al, 0x59
        call pci_read_i440fx
        call hex2
        mov ebx, HIGH + m_nl
        call puts
        movzx eax, byte [COUNT]
        cmp al, 2
        je boot2
        cmp al, 3
        je boot3
        cmp al, 4
        je boot4
        mov ebx, HIGH + m_done
        call puts
        mov al, 0
        out 0xf4, al
        hlt

boot1:
        mov ebx, HIGH + m_cr0
        call puts
        mov eax, edi
        call hex8
        mov ebx, HIGH + m_edx
        call puts
        mov eax, 1
        cpuid
        cmp eax, esi
        mov ebx, HIGH + m_same
        je .same
        mov ebx, HIGH + m_differs
.same:  call puts
        ; The two windows hold the same bytes.
        mov ebx, HIGH + m_win
        call puts
        mov eax, [0xffff0]
        call hex8
        mov al, ' '
        call putc
        mov eax, [0xfffffff0]
        call hex8
        mov al, ' '
        call putc
        mov eax, [0xe0000]
        call hex8
        mov ebx, HIGH + m_nl
        call puts
        ; The option ROM space below: no ROM there (QEMU's pc.rom is empty).
        mov ebx, HIGH + m_optrom
        call puts
        mov eax, [0xc0000]
        call hex8
        mov al, ' '
        call putc
        mov eax, [0xdfffc]
        call hex8
        mov ebx, HIGH + m_nl
        call puts
        ; PAM0's F segment: 3 = DRAM, 0 = the ROM, 1 = DRAM read-only.
        mov al, 0x30
        call pam0
        mov ebx, HIGH + m_pam30
        call puts
        mov eax, [0xf0000]
        call hex8
        mov dword [0xf0000], 0x12345678
        mov al, ' '
        call putc
        mov eax, [0xf0000]
        call hex8
        mov ebx, HIGH + m_nl
        call puts
        mov al, 0x00
        call pam0
        mov ebx, HIGH + m_pam00
        call puts
        mov dword [0xf0000], 0xdeadbeef ; to the ROM: lost
        mov eax, [0xf0000]
        call hex8
        mov ebx, HIGH + m_nl
        call puts
        ; A DMA write to the ROM is lost as the CPU's is: fw_cfg's DMA
        ; interface copies the signature item ("QEMU") to 0xF0000.
        mov dword [0x600], 0x0a000000   ; control: select key 0, read (big-endian)
        mov dword [0x604], 0x04000000   ; length 4
        mov dword [0x608], 0
        mov dword [0x60c], 0x00000f00   ; address 0xF0000, big-endian
        mov dx, 0x514
        xor eax, eax
        out dx, eax
        mov dx, 0x518
        mov eax, 0x00060000             ; 0x600, big-endian
        out dx, eax
        mov ebx, HIGH + m_dma
        call puts
        mov eax, [0x600]
        call hex8
        mov al, ' '
        call putc
        mov eax, [0xf0000]
        call hex8
        mov ebx, HIGH + m_nl
        call puts
        mov al, 0x10
        call pam0
        mov ebx, HIGH + m_pam10
        call puts
        mov dword [0xf0000], 0xdeadbeef ; DRAM write-protected: lost
        mov eax, [0xf0000]
        call hex8
        mov ebx, HIGH + m_nl
        call puts
        ; SMRAM (0x72): D_OPEN (0x40) shows the DRAM under the VGA window.
        mov al, 0x4a                    ; D_OPEN, C_BASE_SEG 0xA0000
        call smram
        mov dword [0xa0000], 0x600df00d ; to DRAM
        mov al, 0x0a
        call smram
        mov dword [0xa0000], 0x0badf00d ; to the VGA
        mov al, 0x4a
        call smram
        mov ebx, HIGH + m_smram
        call puts
        mov eax, [0xa0000]
        call hex8
        mov al, 0x0a
        call smram
        mov al, ' '
        call putc
        mov al, 0x72
        call pci_read_i440fx
        call hex2
        mov ebx, HIGH + m_nl
        call puts
        ; QEMU keeps the PAM registers through a reset; bt86 clears them,
        ; as the 82441FX does on a hard reset.  Leave them as at power-on.
        mov al, 0x00
        call pam0
        ; Reset through port 0x92's fast reset bit.
        mov ebx, HIGH + m_r92
        call puts
        in al, 0x92
        or al, 1
        out 0x92, al
        hlt

boot2:  mov ebx, HIGH + m_rcf9
        call puts
        mov dx, 0xcf9
        mov al, 0x02
        out dx, al
        mov al, 0x06
        out dx, al
        hlt

boot3:  mov ebx, HIGH + m_rkbc
        call puts
        mov al, 0xfe
        out 0x64, al
        hlt

boot4:  mov ebx, HIGH + m_rtf
        call puts
        lidt [HIGH + idt0]
        int3
        hlt

; al: the new PAM0 (0x59); PAM0's low nibble is reserved and left at 0.
pam0:
        push eax
        mov dx, 0xcf8
        mov eax, 0x80000058
        out dx, eax
        pop eax
        mov dx, 0xcfd
        out dx, al
        ret

; al: the new SMRAM (0x72)
smram:
        push eax
        mov dx, 0xcf8
        mov eax, 0x80000070
        out dx, eax
        pop eax
        mov dx, 0xcfe
        out dx, al
        ret

; al: a register of 00:00.0 -> al
pci_read_i440fx:
        movzx ecx, al
        mov eax, ecx
        and al, 0xfc
        or eax, 0x80000000
        mov dx, 0xcf8
        out dx, eax
        mov dx, 0xcfc
        and cl, 3
        add dl, cl
        in al, dx
        ret

putc:   push edx
        push eax
        mov dx, COM1 + 5
.wait:  in al, dx
        test al, 0x20
        jz .wait
        pop eax
        mov dx, COM1
        out dx, al
        pop edx
        ret

puts:   mov al, [ebx]
        test al, al
        jz .end
        call putc
        inc ebx
        jmp puts
.end:   ret

hex8:   push eax
        shr eax, 16
        call hex4
        pop eax
hex4:   push eax
        shr eax, 8
        call hex2
        pop eax
hex2:   push eax
        shr al, 4
        call hex1
        pop eax
hex1:   push eax
        and al, 0xf
        add al, '0'
        cmp al, '9'
        jbe .d
        add al, 'a' - '9' - 1
.d:     call putc
        pop eax
        ret

m_boot:    db "romboot: boot ", 0
m_nl:      db 10, 0
m_cs:      db "romboot: from the reset vector, PAM0 ", 0
m_cr0:     db "romboot: CR0 at reset ", 0
m_edx:     db 10, "romboot: EDX at reset ", 0
m_same:    db "is CPUID(1).EAX", 10, 0
m_differs: db "differs from CPUID(1).EAX", 10, 0
m_win:     db "romboot: at 0xFFFF0, 0xFFFFFFF0, 0xE0000: ", 0
m_optrom:  db "romboot: at 0xC0000, 0xDFFFC: ", 0
m_pam30:   db "romboot: PAM 3 (DRAM) reads, after a write: ", 0
m_pam00:   db "romboot: PAM 0 (ROM) after a write: ", 0
m_pam10:   db "romboot: PAM 1 (DRAM read-only) after a write: ", 0
m_dma:     db "romboot: fw_cfg DMA to the ROM: control, ROM: ", 0
m_smram:   db "romboot: SMRAM open after writes open, closed: ", 0
m_r92:     db "romboot: reset through port 0x92", 10, 0
m_rcf9:    db "romboot: reset through port 0xcf9", 10, 0
m_rkbc:    db "romboot: reset through the keyboard controller", 10, 0
m_rtf:     db "romboot: reset by a triple fault", 10, 0
m_done:    db "romboot: done", 10, 0

        times 0x1fff0 - ($ - $$) db 0xff
; ---- the reset vector: F000:FFF0
bits 16
        jmp 0xf000:(start16 - fseg)
        times 0x20000 - ($ - $$) db 0xff
