; pxeboot.asm - a network bootstrap program (NBP): the file a PXE ROM
; fetches by TFTP after DHCP and starts at 0000:7C00 in real mode, here
; served by -netdev user,tftp=DIR,bootfile=pxeboot.0 (tests/pxe-boot.test.sh).
;
; The PXE specification (2.1, 4.4.5) hands it ES:BX = the PXENV+ structure
; and, at SS:SP+4, a far pointer to the !PXE structure.  It checks both
; signatures, then calls the PXE API through !PXE's EntryPointSP: GET_CACHED_INFO
; for the DHCP acknowledgement (its client, server and boot file fields, as
; slirp's DHCP server filled them) and TFTP_GET_FSIZE for its own size, a
; second TFTP exchange through the NIC.  Each line goes to the debug console
; (port 0xE9, -debugcon), and the last write is to isa-debug-exit (0x501),
; so a run ends with exit status (0x21 << 1) | 1 = 67.
bits 16
org 0x7c00

DEBUGCON equ 0xe9
DEBUG_EXIT equ 0x501
PXENV_GET_CACHED_INFO equ 0x0071
PXENV_TFTP_GET_FSIZE equ 0x0025
PXENV_PACKET_TYPE_DHCP_ACK equ 2

start:
        jmp 0:.cs0                      ; CS 0, so that DS = CS reaches the data
.cs0:   mov bp, sp
        xor ax, ax
        mov ds, ax
        mov [pxenv], bx
        mov [pxenv + 2], es
        les di, [ss:bp + 4]             ; the !PXE structure
        mov [bang], di
        mov [bang + 2], es
        cld
        mov si, m_hello
        call puts

        les di, [pxenv]
        mov si, s_pxenv
        mov cx, 6
        repe cmpsb
        mov si, m_pxenv_bad
        jne .pxenv_done
        les di, [pxenv]
        mov ax, [es:di + 6]             ; PXENV+ version
        mov si, m_pxenv_ok
        call puts
        call hex4
        call nl
        jmp .bang
.pxenv_done:
        call puts
.bang:
        les di, [bang]
        mov si, s_bang
        mov cx, 4
        repe cmpsb
        jne fail_bang
        les di, [bang]
        mov ax, [es:di + 16]            ; EntryPointSP
        mov [entry], ax
        mov ax, [es:di + 18]
        mov [entry + 2], ax
        mov si, m_bang_ok
        call puts

        ; GET_CACHED_INFO with BufferSize 0: the ROM points at its own copy.
        mov word [ci_type], PXENV_PACKET_TYPE_DHCP_ACK
        mov bx, PXENV_GET_CACHED_INFO
        mov di, cached_info
        call pxe_call
        jc fail_call
        les di, [ci_buffer]
        mov si, m_client
        call puts
        mov eax, [es:di + 16]           ; yiaddr
        call ip
        mov si, m_server
        call puts
        mov eax, [es:di + 20]           ; siaddr: the TFTP server
        mov [fs_server], eax
        call ip
        call nl
        mov si, m_file
        call puts
        lea si, [di + 108]              ; file, NUL-terminated
        push ds
        push es
        pop ds
        call puts
        pop ds
        call nl

        ; TFTP_GET_FSIZE of the boot file the DHCP server named.
        push ds
        push es
        pop ds
        lea si, [di + 108]
        push cs
        pop es
        mov di, fs_name
        mov cx, 128
        rep movsb
        pop ds
        mov bx, PXENV_TFTP_GET_FSIZE
        mov di, get_fsize
        call pxe_call
        jc fail_call
        mov si, m_size
        call puts
        mov ax, [fs_size]
        call dec16
        call nl
        mov si, m_done
        call puts
        mov al, 0x21
        jmp exit

fail_bang:
        mov si, m_bang_bad
        call puts
        mov al, 0x22
        jmp exit
fail_call:
        push ax
        mov si, m_call_bad
        call puts
        pop ax
        call hex4
        call nl
        mov al, 0x23
exit:
        mov dx, DEBUG_EXIT
        out dx, al
        cli
        hlt
        jmp exit

; pxe_call: opcode in BX, parameter block at DS:DI.  CF set on failure,
; with the block's status in AX.
pxe_call:
        push di
        push ds
        push di
        push bx
        call far [cs:entry]
        add sp, 6
        push cs
        pop ds
        pop di
        or ax, ax
        jz .ok
        mov ax, [di]
        stc
        ret
.ok:
        clc
        ret

puts:
        lodsb
        or al, al
        jz .done
        out DEBUGCON, al
        jmp puts
.done:
        ret

nl:
        mov al, 10
        out DEBUGCON, al
        ret

; hex4: AX as four hex digits.
hex4:
        mov cx, 4
.next:
        rol ax, 4
        push ax
        and al, 0x0f
        add al, '0'
        cmp al, '9'
        jbe .digit
        add al, 'a' - '0' - 10
.digit:
        out DEBUGCON, al
        pop ax
        loop .next
        ret

; dec16: AX in decimal.
dec16:
        xor cx, cx
        mov bx, 10
.div:
        xor dx, dx
        div bx
        push dx
        inc cx
        or ax, ax
        jnz .div
.out:
        pop ax
        add al, '0'
        out DEBUGCON, al
        loop .out
        ret

; ip: EAX (network byte order in memory, so AL is the first byte) dotted.
ip:
        mov cx, 4
.byte:
        push cx
        push eax
        xor ah, ah
        call dec16
        pop eax
        pop cx
        shr eax, 8
        dec cx
        jz .done
        push ax
        mov al, '.'
        out DEBUGCON, al
        pop ax
        jmp .byte
.done:
        ret

m_hello:        db "pxeboot: started at 0000:7c00", 10, 0
m_pxenv_ok:     db "pxeboot: PXENV+ ok, version ", 0
m_pxenv_bad:    db "pxeboot: no PXENV+ at ES:BX", 10, 0
m_bang_ok:      db "pxeboot: !PXE ok", 10, 0
m_bang_bad:     db "pxeboot: no !PXE at SS:SP+4", 10, 0
m_call_bad:     db "pxeboot: PXE call failed, status ", 0
m_client:       db "pxeboot: client ", 0
m_server:       db " server ", 0
m_file:         db "pxeboot: boot file ", 0
m_size:         db "pxeboot: its size by TFTP ", 0
m_done:         db "pxeboot: done", 10, 0
s_pxenv:        db "PXENV+"
s_bang:         db "!PXE"

align 4
pxenv:          dd 0
bang:           dd 0
entry:          dd 0
cached_info:                            ; t_PXENV_GET_CACHED_INFO
ci_status:      dw 0
ci_type:        dw 0
ci_size:        dw 0
ci_buffer:      dd 0
ci_limit:       dw 0
get_fsize:                              ; t_PXENV_TFTP_GET_FSIZE
fs_status:      dw 0
fs_server:      dd 0
fs_gateway:     dd 0
fs_name:        times 128 db 0
fs_size:        dd 0
